"""Follow-ups answered from the last answer's topic: the action and the webhook."""

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT, remembered_topic
from actions.follow_ups import (
    ASK_TOPIC,
    IN_GENERAL,
    NEXT_TOPIC,
    ActionAnswerFollowUp,
    describes_age_or_health,
    follow_up_answer,
    follow_up_responses,
    mentioned_step,
    step_by_number,
)
from actions.topics import NOT_ON_PAGE, TOPICS
from clinic_log.writer import LogWriter
from tests.support.servers import AssistantServers
from tests.support.texts import response_text
from tests.support.trackers import (
    parse_data,
    tracker_parsed_as,
    tracker_with,
    user_event,
)


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
@pytest.mark.parametrize(
    ("text", "named", "last_topic", "expected"),
    [
        pytest.param(
            "and what would that set me back",
            [("not_covered/cost", 0.8), ("faq/what_is", 0.1)],
            "faq/what_is",
            "utter_not_covered/cost",
            id="a-topic-the-follow-up-names-itself-wins-over-the-context",
        ),
        pytest.param(
            "and once the balloon has done its job?",
            [("faq/balloon", 0.8), ("faq/cement", 0.1)],
            "faq/balloon",
            "utter_faq/cement",
            id="what-comes-after-the-step-just-answered-is-the-next-step",
        ),
        pytest.param(
            "and past the x-ray stage?",
            [("faq/xray_assessment", 0.8), ("faq/anesthesia", 0.1)],
            "faq/procedure_steps",
            "utter_faq/anesthesia",
            id="what-comes-after-a-named-step-is-the-step-after-it",
        ),
        pytest.param(
            "what do they do once the balloon is blown up",
            [("faq/cement", 0.8), ("faq/balloon", 0.1)],
            "faq/what_is",
            "utter_faq/cement",
            id="the-step-named-by-its-words-not-the-selectors-topic-is-passed",
        ),
        pytest.param(
            "and after that, how soon can I head home?",
            [("faq/hospital_stay", 0.8), ("faq/walking", 0.1)],
            "faq/walking",
            "utter_faq/hospital_stay",
            id="after-that-with-a-named-topic-is-that-topic-not-the-one-past-it",
        ),
        pytest.param(
            "then they put the glue in, right?",
            [("faq/procedure_steps", 0.4), ("faq/cement", 0.3)],
            "faq/balloon",
            "utter_faq/cement",
            id="a-step-named-by-its-words-when-the-selector-is-unsure",
        ),
        pytest.param(
            "so next they put the balloon in?",
            [("faq/balloon", 0.8), ("faq/cement", 0.1)],
            "faq/incision_tube",
            "utter_faq/balloon",
            id="a-step-named-as-what-comes-next-is-answered-itself",
        ),
        pytest.param(
            "and what happens to me once it is all over",
            [("faq/recovery_overview", 0.7), ("faq/walking", 0.2)],
            "faq/cement",
            "utter_faq/recovery_overview",
            id="a-named-topic-with-nothing-after-it-is-answered-itself",
        ),
        pytest.param(
            "right, and what's in store once the operation is finished?",
            [("faq/recovery_overview", 0.5), ("faq/walking", 0.3)],
            "faq/pain_relief",
            "utter_faq/recovery_overview",
            id="what-follows-the-whole-procedure-when-no-topic-is-clear-is-recovery",
        ),
        pytest.param(
            "so once it's blown up, then what?",
            [("not_covered/procedure_details", 0.5), ("faq/balloon", 0.3)],
            "faq/balloon",
            "utter_faq/cement",
            id="after-it-is-in-a-named-state-names-a-step-not-the-last-answer",
        ),
    ],
)
async def test_a_what_comes_next_follow_up_that_names_a_topic(
    domain: Dict[str, Any],
    log_writer: LogWriter,
    text: str,
    named: List[Tuple[str, float]],
    last_topic: str,
    expected: str,
) -> None:
    dispatcher = CollectingDispatcher()
    parsed = parse_data(text, [("follow_up_next", 0.9)], named)
    tracker = tracker_parsed_as(parsed, {LAST_TOPIC_SLOT: last_topic})

    await ActionAnswerFollowUp(writer=log_writer).run(dispatcher, tracker, domain)

    assert [message["response"] for message in dispatcher.messages] == [expected]


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("after the x-ray what happens", "faq/xray_assessment"),
        ("once I'm numb, then what", "faq/anesthesia"),
        ("when the tube is in place", "faq/incision_tube"),
        ("after the balloon goes through the tube", "faq/balloon"),
        ("and once the glue sets?", "faq/cement"),
        ("and after that?", None),
        ("how long after the procedure can I walk", None),
    ],
)
def test_a_step_named_by_its_words(text: str, step: Optional[str]) -> None:
    assert mentioned_step(text) == step


@pytest.mark.parametrize(
    ("text", "last_topic", "step"),
    [
        ("and what is done in step two", "faq/balloon", "faq/incision_tube"),
        ("tell me more about the third stage", None, "faq/balloon"),
        ("ok, the final one?", "faq/procedure_steps", "faq/cement"),
        ("and the first?", "faq/procedure_steps", "faq/xray_assessment"),
        ("and the first?", "faq/hospital_stay", None),
        ("what about my husband?", "faq/procedure_steps", None),
    ],
)
def test_a_step_asked_for_by_its_number(
    text: str, last_topic: Optional[str], step: Optional[str]
) -> None:
    assert step_by_number(text, last_topic) == step


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("and for my aunt, she is 83?", True),
        ("what about my grandad in his 90s", True),
        ("same for my husband with heart failure?", True),
        ("what if my mother is quite frail", True),
        ("what about my husband?", False),
        ("and for my daughter", False),
    ],
)
def test_a_persons_age_or_health_is_recognised(text: str, described: bool) -> None:
    assert describes_age_or_health(text) is described


@pytest.mark.parametrize(
    ("named", "last_topic", "expected"),
    [
        pytest.param(
            [],
            "faq/walking",
            ["utter_faq/age_health"],
            id="after-a-page-answer-an-aged-relative-gets-age-and-health",
        ),
        pytest.param(
            [("faq/duration", 0.9)],
            "faq/activities",
            ["utter_faq/age_health"],
            id="also-when-the-follow-up-names-another-page-topic",
        ),
        pytest.param(
            [],
            "not_covered/cost",
            ["utter_not_covered/cost"],
            id="after-a-deferral-the-deferral-again",
        ),
        pytest.param(
            [("not_covered/insurance", 0.9)],
            "faq/walking",
            ["utter_not_covered/insurance"],
            id="a-subject-off-the-page-it-names-is-deferred",
        ),
    ],
)
def test_someone_else_described_by_age(
    named: List[Tuple[str, float]], last_topic: str, expected: List[str]
) -> None:
    parsed = parse_data(
        "and my granddad, he is 87?", [("follow_up_someone_else", 0.9)], named
    )

    assert follow_up_answer(parsed, last_topic) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and my aunt, who is 86 and frail?", ["utter_faq/age_health"]),
        ("and my aunt, who would do hers?", ["utter_not_covered/doctors"]),
    ],
)
def test_a_who_that_describes_the_person_is_not_asking_which_doctor(
    text: str, expected: List[str]
) -> None:
    parsed = parse_data(
        text,
        [("follow_up_someone_else", 0.9)],
        [("not_covered/doctors", 0.8), ("faq/age_health", 0.1)],
    )

    assert follow_up_answer(parsed, "faq/walking") == expected


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("earlier", "follow_up", "expected"),
    [
        pytest.param(
            ["roughly how much time does the procedure itself need"],
            "so what is the next thing they do?",
            ["utter_faq/recovery_overview"],
            id="after-the-duration-the-next-step-is-recovery",
        ),
        pytest.param(
            ["which patients is kyphoplasty meant for"],
            "would it be any different for my uncle, 86",
            ["utter_faq/age_health"],
            id="an-older-relative-after-who-it-suits-gets-age-and-health",
        ),
        pytest.param(
            ["will I be kept in hospital after it"],
            "is it the same for my father?",
            [IN_GENERAL, "utter_faq/hospital_stay"],
            id="another-person-after-a-fact-hears-it-applies-in-general",
        ),
        pytest.param(
            ["when would I be able to walk again after the procedure"],
            "and for my mum, who is 84 and diabetic?",
            ["utter_faq/age_health"],
            id="an-older-relative-after-a-recovery-fact-gets-age-and-health",
        ),
        pytest.param(
            ["is an x-ray done first"],
            "right, and past that point, once they have the pictures?",
            ["utter_faq/anesthesia"],
            id="what-comes-after-the-named-x-rays-is-the-anesthesia",
        ),
        pytest.param(
            ["how do they get into the bone"],
            "so with the tube placed, what goes through it next",
            ["utter_faq/balloon"],
            id="what-goes-through-the-named-tube-next-is-the-balloon",
        ),
        pytest.param(
            ["do they x-ray my spine before the procedure"],
            "once they've looked at the x-rays what comes next",
            ["utter_faq/anesthesia"],
            id="what-comes-after-the-x-rays-just-answered-is-the-anesthesia",
        ),
        pytest.param(
            ["will they knock me out or just numb the area"],
            "and once they've put me under, what next?",
            ["utter_faq/incision_tube"],
            id="what-comes-after-the-anesthesia-just-answered-is-the-incision",
        ),
        pytest.param(
            [],
            "so once the balloon has lifted the bone, what happens?",
            ["utter_faq/cement"],
            id="what-follows-a-step-named-in-a-first-question-is-the-next-step",
        ),
        pytest.param(
            ["when will I be able to walk again"],
            "so what happens after the surgery is finished",
            ["utter_faq/recovery_overview"],
            id="what-follows-the-whole-procedure-is-the-recovery",
        ),
        pytest.param(
            [],
            "and following that?",
            [ASK_TOPIC],
            id="a-follow-up-as-the-first-message-asks-which-topic",
        ),
        pytest.param(
            [
                "could you explain what this kyphoplasty thing is",
                "will they put me to sleep for it",
            ],
            "and the bit after that one?",
            ["utter_faq/incision_tube"],
            id="a-new-question-between-replaces-the-remembered-topic",
        ),
    ],
)
def test_a_follow_up_through_the_webhook_is_answered_in_context(
    assistant: AssistantServers,
    domain: Dict[str, Any],
    request: pytest.FixtureRequest,
    earlier: List[str],
    follow_up: str,
    expected: List[str],
) -> None:
    visitor = request.node.callspec.id
    for question in earlier:
        assistant.say(visitor, question)
    replies = assistant.say(visitor, follow_up)

    assert reply_texts(replies) == [response_text(domain, name) for name in expected]
