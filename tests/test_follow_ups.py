"""Follow-ups answered from the last answer's topic: the action and the webhook."""

from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT, remembered_topic
from actions.follow_ups import (
    ASK_TOPIC,
    IN_GENERAL,
    NEXT_TOPIC,
    NOT_ON_PAGE,
    ActionAnswerFollowUp,
    follow_up_responses,
)
from actions.topics import TOPICS
from clinic_log.writer import LogWriter
from tests.support.servers import AssistantServers
from tests.support.trackers import parse_data, tracker_with, user_event


def response_text(domain: Dict[str, Any], name: str) -> str:
    return str(domain["responses"][name][0]["text"])


def reply_texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [str(reply.get("text")) for reply in replies]


def test_the_next_step_follows_the_pages_order() -> None:
    assert follow_up_responses("follow_up_next", "faq/anesthesia") == [
        "utter_faq/incision_tube"
    ]
    assert follow_up_responses("follow_up_next", "faq/walking") == [
        "utter_faq/hospital_stay"
    ]


def test_nothing_after_the_last_milestone_gets_the_honest_deferral() -> None:
    assert follow_up_responses("follow_up_next", "faq/activities") == [NOT_ON_PAGE]
    assert follow_up_responses("follow_up_next", "not_covered/cost") == [NOT_ON_PAGE]


def test_every_next_step_is_a_page_topic() -> None:
    assert set(NEXT_TOPIC) | set(NEXT_TOPIC.values()) <= set(TOPICS)
    assert all(topic.startswith("faq/") for topic in NEXT_TOPIC.values())


def test_someone_else_after_who_it_suits_gets_age_and_health() -> None:
    for topic in ("faq/candidates", "faq/age_health"):
        assert follow_up_responses("follow_up_someone_else", topic) == [
            "utter_faq/age_health"
        ]


def test_someone_else_after_a_fact_gets_it_again_said_to_be_general() -> None:
    assert follow_up_responses("follow_up_someone_else", "faq/hospital_stay") == [
        IN_GENERAL,
        "utter_faq/hospital_stay",
    ]
    assert follow_up_responses("follow_up_someone_else", "not_covered/cost") == [
        "utter_not_covered/cost"
    ]


def test_a_follow_up_without_a_previous_topic_asks_which_topic() -> None:
    assert follow_up_responses("follow_up_next", None) == [ASK_TOPIC]
    assert follow_up_responses("follow_up_someone_else", "") == [ASK_TOPIC]


def test_only_answered_topics_are_remembered() -> None:
    assert remembered_topic("utter_faq/duration") == [
        SlotSet(LAST_TOPIC_SLOT, "faq/duration")
    ]
    assert remembered_topic("utter_not_covered/cost") == [
        SlotSet(LAST_TOPIC_SLOT, "not_covered/cost")
    ]
    assert remembered_topic("utter_greet") == []
    assert remembered_topic("") == []


@pytest.mark.asyncio
async def test_the_action_answers_from_the_slot_and_remembers_the_new_topic(
    domain: Dict[str, Any], log_writer: LogWriter
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        [user_event("ok and past that?", "follow_up_next", "m2")],
        slots={LAST_TOPIC_SLOT: "faq/balloon"},
    )

    events = await ActionAnswerFollowUp(writer=log_writer).run(
        dispatcher, tracker, domain
    )

    assert [message["response"] for message in dispatcher.messages] == [
        "utter_faq/cement"
    ]
    assert events == [SlotSet(LAST_TOPIC_SLOT, "faq/cement")]


@pytest.mark.asyncio
async def test_a_topic_the_follow_up_names_itself_wins_over_the_context(
    domain: Dict[str, Any], log_writer: LogWriter
) -> None:
    dispatcher = CollectingDispatcher()
    parsed = parse_data(
        "and what would that set me back",
        [("follow_up_next", 0.9)],
        [("not_covered/cost", 0.8), ("faq/what_is", 0.1)],
    )
    event = user_event(parsed["text"], "follow_up_next", "m2")
    tracker = tracker_with(
        [{**event, "parse_data": parsed}], slots={LAST_TOPIC_SLOT: "faq/what_is"}
    )

    await ActionAnswerFollowUp(writer=log_writer).run(dispatcher, tracker, domain)

    assert [message["response"] for message in dispatcher.messages] == [
        "utter_not_covered/cost"
    ]


@pytest.mark.e2e
def test_after_the_duration_the_next_step_is_recovery(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    assistant.say("next-step", "roughly how much time does the procedure itself need")
    replies = assistant.say("next-step", "so what is the next thing they do?")

    assert reply_texts(replies) == [
        response_text(domain, "utter_faq/recovery_overview")
    ]


@pytest.mark.e2e
def test_an_older_relative_after_who_it_suits_gets_age_and_health(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    assistant.say("relative", "which patients is kyphoplasty meant for")
    replies = assistant.say("relative", "would it be any different for my uncle, 86")

    assert reply_texts(replies) == [response_text(domain, "utter_faq/age_health")]


@pytest.mark.e2e
def test_another_person_after_a_fact_hears_it_applies_in_general(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    assistant.say("general", "will I be kept in hospital after it")
    replies = assistant.say("general", "is it the same for my elderly father?")

    assert reply_texts(replies) == [
        response_text(domain, IN_GENERAL),
        response_text(domain, "utter_faq/hospital_stay"),
    ]


@pytest.mark.e2e
def test_a_follow_up_as_the_first_message_asks_which_topic(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    replies = assistant.say("no-context", "and following that?")

    assert reply_texts(replies) == [response_text(domain, ASK_TOPIC)]


@pytest.mark.e2e
def test_a_new_question_between_replaces_the_remembered_topic(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    assistant.say("replaced", "could you explain what this kyphoplasty thing is")
    assistant.say("replaced", "will they put me to sleep for it")
    replies = assistant.say("replaced", "and the bit after that one?")

    assert reply_texts(replies) == [response_text(domain, "utter_faq/incision_tube")]
