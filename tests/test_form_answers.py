"""The callback form reads each answer before the classifier's intent decides."""

from typing import FrozenSet

import pytest
import yaml

from actions.form_answers import (
    QUESTION_INTENTS,
    Answer,
    Reading,
    VisitorMessage,
    read_answer,
)
from tests.conftest import ROOT

NO_ENTITIES: FrozenSet[str] = frozenset()


def message(text: str, intent: str, *entities: str) -> VisitorMessage:
    return VisitorMessage(text, intent, frozenset(entities) or NO_ENTITIES)


@pytest.mark.parametrize(
    ("slot", "visitor", "answer"),
    [
        # A number or a name is the value, whatever the classifier said.
        (
            "callback_phone",
            message("it's (904) 555-0134", "emergency", "phone_number"),
            Answer(Reading.VALUE, "(904) 555-0134"),
        ),
        (
            "callback_name",
            message("this is Lee Park", "out_of_scope"),
            Answer(Reading.VALUE, "Lee Park"),
        ),
        # A clear question goes to the rules, which answer it.
        (
            "callback_name",
            message("how long is the stay?", "faq"),
            Answer(Reading.TO_RULES),
        ),
        (
            "callback_time",
            message("what does it cost", "not_covered"),
            Answer(Reading.TO_RULES),
        ),
        # So does a follow-up on the answer given before the form.
        (
            "callback_name",
            message("and what comes after that?", "follow_up_next"),
            Answer(Reading.TO_RULES),
        ),
        # A question-like time with another intent is still the time.
        (
            "callback_time",
            message("is after 5 ok?", "affirm"),
            Answer(Reading.VALUE, "is after 5 ok?"),
        ),
        # A red flag, "stop" and a thumbs click always go to the rules.
        (
            "callback_phone",
            message("my legs went numb", "emergency", "red_flag"),
            Answer(Reading.TO_RULES),
        ),
        ("callback_reason", message("stop", "stop"), Answer(Reading.TO_RULES)),
        ("callback_name", message("never mind", "stop"), Answer(Reading.TO_RULES)),
        # A name wins over the classifier's "stop".
        (
            "callback_name",
            message("they can ask for my aunt, Ida Moss", "stop"),
            Answer(Reading.VALUE, "Ida Moss"),
        ),
        ("callback_time", message("/feedback", "feedback"), Answer(Reading.TO_RULES)),
        # The classifier's emergency alone: digits are a mistyped number…
        ("callback_phone", message("904 555", "emergency"), Answer(Reading.INVALID)),
        # …a time needs a word of time; otherwise the rules give the 911 line.
        (
            "callback_time",
            message("mornings before 10", "emergency"),
            Answer(Reading.VALUE, "mornings before 10"),
        ),
        (
            "callback_time",
            message("my back is so bad", "emergency"),
            Answer(Reading.TO_RULES),
        ),
        (
            "callback_name",
            message("please hurry", "emergency"),
            Answer(Reading.TO_RULES),
        ),
        # Another slot given instead: asked again without complaint.
        (
            "callback_time",
            message("actually my number is 813 555 0188", "inform", "phone_number"),
            Answer(Reading.OTHER_SLOT),
        ),
        # Not usable: asked again with the reason.
        ("callback_name", message("yes", "affirm"), Answer(Reading.INVALID)),
        ("callback_phone", message("555-0134", "deny"), Answer(Reading.INVALID)),
        ("callback_reason", message("x" * 501, "faq"), Answer(Reading.INVALID)),
        ("callback_reason", message("skip", "deny"), Answer(Reading.VALUE, "")),
    ],
)
def test_each_answer_is_read_for_the_slot_asked(
    slot: str, visitor: VisitorMessage, answer: Answer
) -> None:
    assert read_answer(slot, visitor) == answer


def test_the_typed_text_is_read_not_the_classifiers_placeholder() -> None:
    parse = {
        "text": "call phonenumber",
        "intent": {"name": "request_appointment"},
        "entities": [{"entity": "phone_number", "value": "904-555-0142"}],
    }

    visitor = VisitorMessage.from_parse("call 904-555-0142", parse)

    assert visitor == message(
        "call 904-555-0142", "request_appointment", "phone_number"
    )


def test_the_rule_answers_exactly_the_intents_the_form_hands_over() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))
    (rule,) = [
        rule
        for rule in rules["rules"]
        if any(step.get("action") == "action_answer_in_form" for step in rule["steps"])
    ]

    handed_over = {choice["intent"] for choice in rule["steps"][0]["or"]}

    assert handed_over == QUESTION_INTENTS
