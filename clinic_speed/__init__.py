"""Speed-ups of Rasa internals that keep its behaviour, installed when Rasa loads us.

Each one was kept because `make bench` showed it; none turns a check off.
"""
