"""Masks phone numbers and names in exchange texts before they are logged.

The log keeps what staff need to improve the assistant: the question and the
reply. A visitor's name and phone number belong in the callback request only
(`appointment_requests`), so exchange texts get placeholders instead:

- values the visitor gave the callback form (its name and phone answers),
  wherever they appear, including the confirmation that repeats them;
- phone numbers anywhere, found by libphonenumber's matcher (any number a US
  dialler could reach, written with digits), except the clinic's own;
- names introduced by "my name is" or "name:" (the next words), or
  by "I'm", "I am", "this is" (capitalised words only, so "I'm worried" stays).

What it cannot catch: a name typed alone outside the form, or in lower case
after "I'm"; see SECURITY.md.
"""

import re
from collections.abc import Iterable

import phonenumbers

from clinic_facts import CLINIC_PHONE_DIGITS

PHONE_MASK = "[phone]"
NAME_MASK = "[name]"

# After these, whatever follows is a name, in any case.
_NAMED = r"my\s+name\s+is|my\s+name's|name\s*:"
# After these, only capitalised words are taken as a name ("I'm Ann", not "I'm ok").
_INTRODUCED = r"i\s+am|i'm|i\u2019m|this\s+is"
_WORD = r"[^\W\d_][\w'\u2019-]*"
_CAPITAL_WORD = r"[A-Z][\w'\u2019-]*"
# Words that end a name rather than continue it ("my name is Ann and I...").
_STOP_WORDS = r"(?!(?:and|but|or|i|my|from|with|here|again|please|thanks)\b)"
_NAMED_PATTERN = re.compile(
    rf"(?i:\b(?:{_NAMED}))\s*({_STOP_WORDS}(?i:{_WORD})"
    rf"(?:\s+{_STOP_WORDS}(?i:{_WORD})){{0,2}})"
)
_INTRODUCED_PATTERN = re.compile(
    rf"(?i:\b(?:{_INTRODUCED}))\s+((?!I\b){_CAPITAL_WORD}"
    rf"(?:\s+(?!I\b){_CAPITAL_WORD}){{0,2}})"
)


def _mask_known(text: str, values: Iterable[str]) -> str:
    """Replaces each given value (longest first) wherever it appears."""
    cleaned = {value.strip() for value in values if value and value.strip()}
    for value in sorted(cleaned, key=len, reverse=True):
        mask = NAME_MASK if _is_name(value) else PHONE_MASK
        text = re.sub(re.escape(value), mask, text, flags=re.IGNORECASE)
    return text


def _is_name(value: str) -> bool:
    return any(character.isalpha() for character in value)


def mask_phones(text: str) -> str:
    """Replaces every phone number but the clinic's with `PHONE_MASK`."""
    pieces = []
    end = 0
    for match in phonenumbers.PhoneNumberMatcher(
        text, "US", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        if str(match.number.national_number) == CLINIC_PHONE_DIGITS:
            continue
        pieces.append(text[end : match.start])
        pieces.append(PHONE_MASK)
        end = match.end
    pieces.append(text[end:])
    return "".join(pieces)


def mask_names(text: str) -> str:
    """Replaces names introduced by the phrases listed above with `NAME_MASK`."""
    for pattern in (_NAMED_PATTERN, _INTRODUCED_PATTERN):
        text = pattern.sub(
            lambda match: match.group(0)[: match.start(1) - match.start(0)] + NAME_MASK,
            text,
        )
    return text


def mask_personal_data(text: str, known_values: Iterable[str] = ()) -> str:
    """`text` with the form's answers, phone numbers and introduced names masked."""
    return mask_names(mask_phones(_mask_known(text, known_values)))
