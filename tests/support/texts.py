"""Texts the tests compare: phrasings checked for copies, and the domain's replies."""

import re
from typing import Any, Dict


def normalised(text: str) -> str:
    """Lower case, letters and digits only, so trivial edits still count as copies.

    A message with no letters or digits (emoji) is compared as it is.
    """
    return " ".join(re.findall(r"[a-z0-9]+", text.lower())) or text


def response_text(domain: Dict[str, Any], name: str) -> str:
    """The first text of a domain response, as the assistant sends it."""
    return str(domain["responses"][name][0]["text"])
