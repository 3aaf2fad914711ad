"""Answers given inside the callback form and after the 911 line."""

from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import (
    ActionAnswerInForm,
    ActionCautionThenAnswer,
    answer_after_caution,
    answers_in_form,
    form_answer,
)
from actions.conversation_context import LAST_TOPIC_SLOT
from actions.follow_ups import IN_GENERAL
from clinic_log.database import SessionFactory, session_scope
from clinic_log.repository import exchanges
from clinic_log.writer import LogWriter
from tests.support.trackers import parse_data, tracker_with, user_event


def parsed(
    intent: str, ranking: List[Tuple[str, float]], topics: List[Tuple[str, float]]
) -> Dict[str, Any]:
    """Parse data whose first intent is `intent`."""
    return parse_data("a question", [(intent, ranking[0][1]), *ranking[1:]], topics)


STAY_QUESTION = parsed(
    "faq", [("faq", 0.9)], [("not_covered/cost", 0.6), ("faq/hospital_stay", 0.3)]
)


@pytest.mark.parametrize(
    ("parse", "response"),
    [
        (STAY_QUESTION, "utter_faq/hospital_stay"),
        (parsed("request_appointment", [("request_appointment", 0.9)], []),
         "utter_appointment_in_form"),
        (parsed("nlu_fallback", [("nlu_fallback", 0.5)], []),
         "utter_question_not_on_page"),
        (parsed("emergency", [("emergency", 0.7)], []), "utter_emergency_caution"),
        (parsed("not_covered", [("not_covered", 0.8)], []),
         "utter_question_not_on_page"),
    ],
)  # fmt: skip
def test_a_question_inside_the_form_gets_its_own_answer(
    parse: Dict[str, Any], response: str
) -> None:
    assert form_answer(parse) == response


def test_after_the_911_line_comes_the_likeliest_questions_topic() -> None:
    parse = parsed(
        "emergency",
        [("emergency", 0.8), ("faq", 0.15)],
        [("faq/timing_window", 0.7), ("faq/after_accident", 0.2)],
    )

    assert answer_after_caution(parse) == "utter_faq/timing_window"


@pytest.mark.parametrize(
    "parse",
    [
        parsed("emergency", [("emergency", 0.9), ("out_of_scope", 0.1)], []),
        parsed(
            "emergency",
            [("emergency", 0.9), ("faq", 0.1)],
            [("faq/duration", 0.2), ("faq/cement", 0.1)],
        ),
    ],
)
def test_without_a_clear_question_the_visitor_is_asked_what_they_need(
    parse: Dict[str, Any],
) -> None:
    assert answer_after_caution(parse) == "utter_caution_tell_more"


async def answered_in_form(
    tracker: Tracker, domain: Dict[str, Any]
) -> Tuple[List[str], List[Dict[str, Any]]]:
    """The responses `action_answer_in_form` sends, and the events it returns."""
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerInForm().run(dispatcher, tracker, domain)
    return [message["response"] for message in dispatcher.messages], events


@pytest.mark.asyncio
async def test_the_form_answer_is_sent_and_not_logged_twice(
    domain: Dict[str, Any],
) -> None:
    event = user_event("how long is the stay?", "faq", "m3")
    event["parse_data"] = {**event["parse_data"], **STAY_QUESTION}

    responses, events = await answered_in_form(tracker_with([event]), domain)

    assert events == [SlotSet(LAST_TOPIC_SLOT, "faq/hospital_stay")]
    assert responses == ["utter_faq/hospital_stay"]


@pytest.mark.parametrize(
    ("intent", "last_topic", "responses"),
    [
        ("follow_up_next", "faq/balloon", ["utter_faq/cement"]),
        ("follow_up_someone_else", "faq/walking", [IN_GENERAL, "utter_faq/walking"]),
    ],
)
def test_a_follow_up_inside_the_form_is_answered_in_context(
    intent: str, last_topic: str, responses: List[str]
) -> None:
    parse = parsed(intent, [(intent, 0.9)], [("faq/what_is", 0.2)])

    assert answers_in_form(parse, last_topic) == responses


@pytest.mark.asyncio
async def test_a_follow_up_inside_the_form_remembers_the_new_topic(
    domain: Dict[str, Any],
) -> None:
    event = user_event("and then what?", "follow_up_next", "m4")
    tracker = tracker_with([event], slots={LAST_TOPIC_SLOT: "faq/incision_tube"})

    responses, events = await answered_in_form(tracker, domain)

    assert responses == ["utter_faq/balloon"]
    assert events == [SlotSet(LAST_TOPIC_SLOT, "faq/balloon")]


@pytest.mark.asyncio
async def test_the_caution_and_the_answer_are_logged_as_one_turn(
    log_writer: LogWriter, session_factory: SessionFactory, domain: Dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("fell weeks ago, awful pain, too late?", "emergency", "m4")
    event["parse_data"] = {
        **event["parse_data"],
        **parsed(
            "emergency",
            [("emergency", 0.8), ("faq", 0.2)],
            [("faq/timing_window", 0.9)],
        ),
    }

    await ActionCautionThenAnswer(writer=log_writer).run(
        dispatcher, tracker_with([event]), domain
    )
    assert log_writer.flush(timeout=10)

    with session_scope(session_factory) as session:
        (row,) = exchanges(session)
    assert [message["response"] for message in dispatcher.messages] == [
        "utter_emergency_caution",
        "utter_faq/timing_window",
    ]
    assert row["reply"].startswith("If this is an emergency, please call 911")
    assert "within 8 weeks" in row["reply"]
    assert row["answer_key"] == "utter_faq/timing_window"
