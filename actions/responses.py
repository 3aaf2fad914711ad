"""Reads reply texts from the domain, so a logged reply is what the visitor saw.

A response may have several variants. Rasa would pick one itself when the
action asks for the response by name, and the log could not know which, so
the action picks the variant here, sends its text with the response's name
(Rasa lets a message's own text override the variant it drew: see
`RemoteAction._utter_responses`) and logs that same text.
"""

import random
from typing import Any, Callable, Mapping, Optional, Sequence

Chooser = Callable[[Sequence[Mapping[str, Any]]], Mapping[str, Any]]


def response_text(
    domain: Mapping[str, Any],
    name: str,
    slots: Optional[Mapping[str, Any]] = None,
    choose: Chooser = random.choice,
) -> str:
    """One variant of a domain response (chosen by `choose`), set slots filled in.

    Falls back to the response name when the domain does not carry the text, so
    the log always says which reply was given.
    """
    variants = domain.get("responses", {}).get(name) or [{}]
    text = str(choose(variants).get("text") or name)
    for slot, value in (slots or {}).items():
        if value is not None:
            text = text.replace(f"{{{slot}}}", str(value))
    return text
