"""Phone numbers and names are read out of what visitors type, as typed."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_facts import CLINIC_PHONE
from clinic_nlu.contact_details import (
    introduced_name,
    is_question,
    name_in_answer,
    phone_number_in,
)

# Ten-digit numbers libphonenumber accepts as US numbers, in the ways people type them.
US_DIGITS = st.from_regex(r"[2-9][0-8][0-9][2-9][0-9]{6}", fullmatch=True).filter(
    lambda digits: (
        phonenumbers.region_code_for_number(phonenumbers.parse(digits, "US")) == "US"
        and phonenumbers.is_valid_number(phonenumbers.parse(digits, "US"))
        and digits != "".join(filter(str.isdigit, CLINIC_PHONE))
    )
)
LAYOUTS = st.sampled_from(
    ["{a}{e}{l}", "{a}-{e}-{l}", "({a}) {e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}"]
)
LEAD_INS = st.sampled_from(["", "ok ", "my cell is ", "reach me at ", "it's "])


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("904-555-0142", "904-555-0142"),
        ("the best one is (407) 555-0161, my cell", "(407) 555-0161"),
        ("+1.212.555.0187 x 31", "+1.212.555.0187 x 31"),
        ("1 305 555 0102 extension 9 thanks", "1 305 555 0102 extension 9"),
        ("904-555-0142'; DROP TABLE appointment_requests; --", "904-555-0142"),
    ],
)
def test_the_number_is_kept_as_typed_without_the_words_around_it(
    typed: str, number: str
) -> None:
    assert phone_number_in(typed) == number


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
        "9" * 60,
        "904-555-01423",
        f"I'll just call {CLINIC_PHONE} myself",
    ],
)
def test_nonsense_foreign_and_the_clinics_own_number_are_refused(text: str) -> None:
    assert phone_number_in(text) is None


@given(digits=US_DIGITS, layout=LAYOUTS, lead_in=LEAD_INS)
def test_every_valid_us_number_is_found_in_every_layout(digits, layout, lead_in):
    number = layout.format(a=digits[:3], e=digits[3:6], l=digits[6:])

    assert phone_number_in(f"{lead_in}{number}") == number


@given(st.text(max_size=80))
def test_any_text_gets_an_answer_and_a_found_number_is_part_of_it(text):
    number = phone_number_in(text)

    if number is not None:
        assert number in text
        assert len([ch for ch in number if ch.isdigit()]) >= 10


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("Jamal Okafor", "Jamal Okafor"),
        ("the name's Priya Raman", "Priya Raman"),
        ("hi, I am Walt Brennan", "Walt Brennan"),
        ("i'm bea", "bea"),
        ("It\u2019s Hollis here, thanks", "Hollis"),
        ("they can ask for my daughter, Noor Haddad", "Noor Haddad"),
        ("Ms. Ngozi Eze", "Ms. Ngozi Eze"),
        ("Anne-Marie St. Clair", "Anne-Marie St. Clair"),
        ("Visitor A", "Visitor A"),
        ("J. R. Okoro", "J. R. Okoro"),
    ],
)
def test_names_come_without_the_phrase_around_them(answer: str, name: str) -> None:
    assert name_in_answer(answer) == name


@pytest.mark.parametrize(
    "answer",
    [
        "how many days is the stay?",
        "I don't want to give it",
        "yes",
        "tomorrow afternoon",
        "12345",
        "I'm worried about my mom",
        "I am a patient",
        "x" * 101,
    ],
)
def test_sentences_and_other_answers_are_not_names(answer: str) -> None:
    assert name_in_answer(answer) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("can someone phone me tomorrow, this is Luis Ortega", "Luis Ortega"),
        ("my name is Dee and my number is 212 555 0134", "Dee"),
        ("this is fine by me", None),
        ("this is my first time asking", None),
        ("how long is the stay", None),
    ],
)
def test_a_name_is_introduced_only_explicitly(text: str, name: str) -> None:
    assert introduced_name(text) == name


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("does it hurt afterwards?", True),
        ("hang on, how much is it", True),
        ("wait what about insurance?", True),
        ("can they call after six", True),
        ("Will Grant", False),
        ("evenings after work", False),
        ("my name is Ida", False),
    ],
)
def test_questions_are_told_from_answers(text: str, question: bool) -> None:
    assert is_question(text) is question
