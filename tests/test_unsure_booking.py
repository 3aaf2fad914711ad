"""UnsureBookingRequests: an unsure message that leans to booking gets the number."""

from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.unsure_booking import UnsureBookingRequests


def after_the_fallback(
    intent: str,
    ranking: List[Tuple[str, float]],
    text: str = "could you get back to me",
) -> Message:
    """A message as the FallbackClassifier leaves it."""
    entries = [{"name": name, "confidence": value} for name, value in ranking]
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": entries[0]["confidence"]},
            "intent_ranking": entries,
        }
    )


def test_an_unsure_message_leaning_to_booking_becomes_a_booking_request() -> None:
    message = after_the_fallback(
        "nlu_fallback",
        [("nlu_fallback", 0.55), ("request_appointment", 0.47), ("not_covered", 0.3)],
    )

    UnsureBookingRequests({}).process([message])

    assert message.get("intent") == {"name": "request_appointment", "confidence": 0.47}
    assert [entry["name"] for entry in message.get("intent_ranking")] == [
        "request_appointment",
        "nlu_fallback",
        "not_covered",
    ]


@pytest.mark.parametrize(
    ("intent", "ranking"),
    [
        # Booking is likeliest but too unsure.
        ("nlu_fallback", [("nlu_fallback", 0.55), ("request_appointment", 0.35)]),
        # Another reading is likelier.
        (
            "nlu_fallback",
            [("nlu_fallback", 0.55), ("faq", 0.5), ("request_appointment", 0.45)],
        ),
        # Not a fallback: the classifiers decided.
        ("faq", [("faq", 0.8), ("request_appointment", 0.15)]),
        # Beyond the page, asking for no person.
        ("not_covered", [("not_covered", 0.8), ("request_appointment", 0.15)]),
    ],
)
def test_other_messages_keep_their_intent(
    intent: str, ranking: List[Tuple[str, float]]
) -> None:
    message = after_the_fallback(intent, ranking)
    before = message.get("intent")

    UnsureBookingRequests({}).process([message])

    assert message.get("intent") == before


def test_the_bar_comes_from_the_config() -> None:
    message = after_the_fallback(
        "nlu_fallback", [("nlu_fallback", 0.55), ("request_appointment", 0.47)]
    )

    UnsureBookingRequests({"min_confidence": 0.5}).process([message])

    assert message.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    [
        "can a real person take over",
        "human please",
        "is there a receptionist I could ask",
        "anyone at the clinic around to chat?",
    ],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "not_covered"])
def test_a_message_unsure_or_beyond_the_page_asking_for_a_person_is_a_booking(
    text: str, intent: str
) -> None:
    message = after_the_fallback(
        intent,
        [(intent, 0.6), ("bot_challenge", 0.3), ("request_appointment", 0.1)],
        text,
    )

    UnsureBookingRequests({}).process([message])

    assert message.get("intent") == {"name": "request_appointment", "confidence": 0.1}


@pytest.mark.parametrize(
    "text", ["how long does the human spine take to heal", "is it done on live bone"]
)
def test_people_in_general_are_not_a_person_asked_for(text: str) -> None:
    message = after_the_fallback(
        "nlu_fallback", [("nlu_fallback", 0.55), ("faq", 0.5)], text
    )

    UnsureBookingRequests({}).process([message])

    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_confident_question_about_the_assistant_is_left_to_it() -> None:
    message = after_the_fallback(
        "bot_challenge", [("bot_challenge", 0.95)], "am I talking to a real person?"
    )

    UnsureBookingRequests({}).process([message])

    assert message.get("intent")["name"] == "bot_challenge"
