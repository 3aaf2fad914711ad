"""Custom NLU components of the clinic assistant: deterministic safety checks."""
