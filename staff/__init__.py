"""Tools for clinic staff: the conversation log and callback requests, on the
command line (`python -m staff`) and in a signed-in web dashboard."""
