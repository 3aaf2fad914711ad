"""Masking of names and phone numbers in exchange texts, by example and by property."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_log.masking import (
    NAME_MASK,
    PHONE_MASK,
    mask_names,
    mask_personal_data,
    mask_phones,
)

# Area codes and exchanges that libphonenumber accepts as valid US numbers.
US_NUMBERS = st.builds(
    lambda area, exchange, line: f"{area}{exchange}{line:04d}",
    st.sampled_from(["212", "415", "904", "617", "312", "713"]),
    st.sampled_from(["555", "234", "867", "398", "741"]),
    st.integers(min_value=0, max_value=9999),
).filter(lambda digits: phonenumbers.is_valid_number(phonenumbers.parse(digits, "US")))
LAYOUTS = st.sampled_from(
    [
        "{a}{e}{l}",
        "{a}-{e}-{l}",
        "({a}) {e}-{l}",
        "{a}.{e}.{l}",
        "+1 {a} {e} {l}",
        "1-{a}-{e}-{l}",
    ]
)
# Prose without digits or name cues: masking must leave it alone.
PLAIN_WORDS = st.lists(
    st.sampled_from(
        ["how", "long", "does", "kyphoplasty", "take", "my", "mother", "back",
         "pain", "is", "worse", "after", "the", "fall", "recovery", "walk"]
    ),
    max_size=30,
).map(" ".join)  # fmt: skip


def written(digits: str, layout: str) -> str:
    return layout.format(a=digits[:3], e=digits[3:6], l=digits[6:])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me back at 904-555-0134", "call me back at [phone]"),
        ("my number is (212) 555 0199.", "my number is [phone]."),
        ("reach me on +1 415 555 2671 please", "reach me on [phone] please"),
        ("the clinic is 904.265.7755", "the clinic is 904.265.7755"),
        ("I am 75 years old, fracture at L1", "I am 75 years old, fracture at L1"),
    ],
)
def test_phone_numbers_are_masked_but_the_clinics(text: str, expected: str) -> None:
    assert mask_phones(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my name is mary smith and I fell", "my name is [name] and I fell"),
        ("Hi, I'm Ann Lee. How is it done?", "Hi, I'm [name]. How is it done?"),
        ("I\u2019m Joe", "I\u2019m [name]"),
        ("this is Robert", "this is [name]"),
        ("Name: O'Brien", "Name: [name]"),
        ("I'm worried about my mom", "I'm worried about my mom"),
        ("I am in a lot of pain", "I am in a lot of pain"),
    ],
)  # fmt: skip
def test_introduced_names_are_masked(text: str, expected: str) -> None:
    assert mask_names(text) == expected


def test_the_forms_answers_are_masked_wherever_they_appear() -> None:
    reply = "Thank you, Ann Lee. The clinic will call 904 555 0134."

    masked = mask_personal_data(reply, ["Ann Lee", "904 555 0134", ""])

    assert masked == f"Thank you, {NAME_MASK}. The clinic will call {PHONE_MASK}."


def test_a_bare_name_answer_is_masked_when_the_form_took_it() -> None:
    assert mask_personal_data("  Ann Lee ", ["Ann Lee"]) == f"  {NAME_MASK} "


@given(digits=US_NUMBERS, layout=LAYOUTS, before=PLAIN_WORDS, after=PLAIN_WORDS)
def test_no_us_number_survives_in_any_common_layout(
    digits: str, layout: str, before: str, after: str
) -> None:
    text = f"{before} {written(digits, layout)} {after}"

    masked = mask_personal_data(text)

    assert PHONE_MASK in masked
    assert digits[-7:] not in "".join(ch for ch in masked if ch.isdigit())


@given(PLAIN_WORDS)
def test_plain_prose_is_left_verbatim(text: str) -> None:
    assert mask_personal_data(text) == text


@given(st.text(max_size=300))
def test_masking_is_idempotent_and_total(text: str) -> None:
    once = mask_personal_data(text)

    assert mask_personal_data(once) == once
