"""Reads reply texts from the domain, so a logged reply is what the visitor saw."""

from typing import Any, Mapping, Optional


def response_text(
    domain: Mapping[str, Any], name: str, slots: Optional[Mapping[str, Any]] = None
) -> str:
    """Returns the first variant of a domain response, with set slots filled in.

    Falls back to the response name when the domain does not carry the text, so
    the log always says which reply was given.
    """
    variants = domain.get("responses", {}).get(name) or [{}]
    text = str(variants[0].get("text") or name)
    for slot, value in (slots or {}).items():
        if value is not None:
            text = text.replace(f"{{{slot}}}", str(value))
    return text
