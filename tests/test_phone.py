"""US phone numbers are accepted as people write them; anything else is refused."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.phone import is_us_phone_number

# Ten-digit numbers libphonenumber accepts as US numbers, in the ways people type them.
US_DIGITS = st.from_regex(r"[2-9][0-8][0-9][2-9][0-9]{6}", fullmatch=True).filter(
    lambda digits: (
        phonenumbers.region_code_for_number(phonenumbers.parse(digits, "US")) == "US"
        and phonenumbers.is_valid_number(phonenumbers.parse(digits, "US"))
    )
)
LAYOUTS = st.sampled_from(
    ["{a}{e}{l}", "{a}-{e}-{l}", "({a}) {e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}"]
)


@pytest.mark.parametrize(
    "text",
    [
        "904-555-0142",
        "(904) 555-0142",
        "904.555.0142",
        "9045550142",
        "+1 904 555 0142",
        "1-904-555-0142",
    ],
)
def test_us_formats_are_accepted(text: str) -> None:
    assert is_us_phone_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "555-0142",
        "12345",
        "call me",
        "904-555-O142",
        "1-800-FLOWERS",
        "+44 20 7946 0958",
        "904-555-0142'; DROP TABLE appointment_requests; --",
        "9" * 60,
    ],
)
def test_nonsense_is_refused(text: str) -> None:
    assert not is_us_phone_number(text)


@given(digits=US_DIGITS, layout=LAYOUTS)
def test_every_valid_us_number_is_accepted_in_every_layout(digits, layout):
    text = layout.format(a=digits[:3], e=digits[3:6], l=digits[6:])

    assert is_us_phone_number(text)


@given(st.text(max_size=60))
def test_any_text_gets_an_answer_and_letters_are_always_refused(text):
    accepted = is_us_phone_number(text)

    if accepted:
        digits = "".join(ch for ch in text if ch.isdigit())
        assert len(digits) in (10, 11)
        assert not any(ch.isalpha() for ch in text)
