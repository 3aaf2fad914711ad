"""The clinic's number is written once in code; its YAML, JS and HTML copies agree."""

import re
from pathlib import Path

import phonenumbers
import yaml

from clinic_facts import CLINIC_PHONE, CLINIC_PHONE_DIGITS

ROOT = Path(__file__).resolve().parent.parent
COPIES = ("domain.yml", "web/widget.js", "web/index.html")


def is_example(digits: str) -> bool:
    """555-0100 to 555-0199 are reserved for examples, like "904-555-0123"."""
    return digits[3:6] == "555" and 100 <= int(digits[6:]) <= 199


def numbers_in(text: str) -> list:
    """(as written, national number) of every real phone number in `text`."""
    found = [
        (match.raw_string, str(match.number.national_number))
        for match in phonenumbers.PhoneNumberMatcher(text, "US")
    ]
    return [(raw, digits) for raw, digits in found if not is_example(digits)]


def test_every_phone_number_in_the_copies_is_the_clinics() -> None:
    for name in COPIES:
        found = numbers_in((ROOT / name).read_text(encoding="utf-8"))
        assert found, f"{name} names no phone number"
        assert {digits for _, digits in found} == {CLINIC_PHONE_DIGITS}, name


def test_answers_and_widget_spell_it_as_the_page_does() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = [
        variant.get("text", "")
        for variants in domain["responses"].values()
        for variant in variants
    ]
    spelled = {raw for text in texts for raw, _ in numbers_in(text)}
    assert spelled == {CLINIC_PHONE}
    widget = (ROOT / "web" / "widget.js").read_text(encoding="utf-8")
    assert re.search(r'\|\| "' + re.escape(CLINIC_PHONE) + '"', widget)
