"""Tools for clinic staff: read the conversation log and the callback requests."""
