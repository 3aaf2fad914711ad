"""UnsureBookingRequests: an unsure message that leans to booking gets the number."""

from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.unsure_booking import UnsureBookingRequests


def after_the_fallback(intent: str, ranking: List[Tuple[str, float]]) -> Message:
    """A message as the FallbackClassifier leaves it."""
    entries = [{"name": name, "confidence": value} for name, value in ranking]
    return Message(
        data={
            "text": "could a real person get back to me",
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
