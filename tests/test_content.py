"""What the assistant says stays within the clinic's page and its safety rules."""

import re
from typing import Any, Dict, List

from actions.topics import TOPIC_QUESTIONS

PHONE = "904.265.7755"
EMERGENCY_OPENING = "Please call 911 or go to the nearest emergency room"


def texts(domain: Dict[str, Any], response: str) -> List[str]:
    """All variants of one response in the domain."""
    return [variant["text"] for variant in domain["responses"][response]]


def test_every_number_stated_is_on_the_page(
    domain: Dict[str, Any], page_text: str
) -> None:
    # The callback form's questions state input rules ("under 500 characters",
    # an example number), not facts about the clinic.
    stated = {
        number
        for name, variants in domain["responses"].items()
        if "_callback_" not in name
        for variant in variants
        for number in re.findall(r"\d+(?:\.\d+)*", variant.get("text", ""))
    }
    assert stated - {"911"} <= set(re.findall(r"\d+(?:\.\d+)*", page_text))


def test_unanswered_topics_give_the_phone_number_and_no_figures(
    domain: Dict[str, Any],
) -> None:
    not_covered = [name for name in domain["responses"] if "not_covered/" in name]
    assert len(not_covered) >= 6
    for name in not_covered:
        for text in texts(domain, name):
            assert PHONE in text
            assert re.findall(r"\d+", text.replace(PHONE, "")) == []


def test_emergency_reply_starts_with_911(domain: Dict[str, Any]) -> None:
    for text in texts(domain, "utter_emergency"):
        assert text.startswith(EMERGENCY_OPENING)


def test_greeting_says_virtual_assistant_not_doctor_and_911(
    domain: Dict[str, Any],
) -> None:
    for text in texts(domain, "utter_greet"):
        assert "virtual assistant" in text
        assert "not a doctor" in text
        assert "not medical advice" in text
        assert "call 911" in text


def test_appointment_and_redirect_replies_give_the_phone_number(
    domain: Dict[str, Any],
) -> None:
    for response in (
        "utter_appointment",
        "utter_out_of_scope",
        "utter_default",
        "utter_iamabot",
    ):
        for text in texts(domain, response):
            assert PHONE in text


def test_every_topic_has_an_answer_a_question_and_training_data(
    domain: Dict[str, Any], training_examples: Dict[str, List[str]]
) -> None:
    trained = {intent for intent in training_examples if "/" in intent}
    answered = {
        name.removeprefix("utter_")
        for name in domain["responses"]
        if "/" in name and name.startswith("utter_")
    }
    assert trained == answered == set(TOPIC_QUESTIONS)
