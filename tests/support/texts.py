"""Comparing phrasings: what counts as the same text when checking for copies."""

import re


def normalised(text: str) -> str:
    """Lower case, letters and digits only, so trivial edits still count as copies.

    A message with no letters or digits (emoji) is compared as it is.
    """
    return " ".join(re.findall(r"[a-z0-9]+", text.lower())) or text
