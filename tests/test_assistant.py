"""End to end: the trained assistant over its real REST webhook and action server."""

from typing import Any, Dict, List, Set

import pytest

from actions.topics import NOT_ON_PAGE, TOPIC_QUESTIONS
from tests.support.servers import AssistantServers
from tests.support.texts import response_text

pytestmark = pytest.mark.e2e

PHONE = "904.265.7755"


def test_answers_how_long_it_takes_with_one_hour(assistant: AssistantServers) -> None:
    replies = assistant.say("duration", "how long does kyphoplasty take")

    assert "one hour per damaged vertebra" in replies[0]["text"]


# Written for this test; each got an unsure reading before typos were
# corrected (clinic_nlu/spelling.py).
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("how meny days in the hosptial after kyphoplasy", "faq/hospital_stay"),
        ("is ther a scarr after the procedur", "faq/stitches"),
        ("do i ned physcial therepy after", "faq/physical_therapy"),
    ],
)
def test_a_question_with_typos_gets_its_answer(
    assistant: AssistantServers, domain: Dict[str, Any], question: str, topic: str
) -> None:
    replies = assistant.say(f"typos-{topic}", question)

    assert [reply["text"] for reply in replies] == [
        response_text(domain, f"utter_{topic}")
    ]


@pytest.mark.parametrize("topic", sorted(TOPIC_QUESTIONS))
def test_each_suggestion_button_gets_its_own_answer(
    assistant: AssistantServers, domain: Dict[str, Any], topic: str
) -> None:
    replies = assistant.say(f"button-{topic}", TOPIC_QUESTIONS[topic])

    assert [reply["text"] for reply in replies] == [
        response_text(domain, f"utter_{topic}")
    ]


def test_greeting_buttons_lead_to_answers(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    greeting = assistant.say("greeting", "hello!")
    assert greeting[0]["text"] == response_text(domain, "utter_greet")

    for button in greeting[0]["buttons"]:
        replies = assistant.say("greeting", button["payload"])
        answer = replies[0]["text"]
        assert answer != response_text(domain, "utter_suggest_topics"), button
        assert answer != response_text(domain, "utter_out_of_scope"), button


def test_red_flag_gets_911_first_even_inside_a_question(
    assistant: AssistantServers,
) -> None:
    replies = assistant.say(
        "red-flag",
        "My mom had kyphoplasty last week and since this morning she can't move "
        "her legs. How long is recovery supposed to take?",
    )

    assert replies[0]["text"].startswith(
        "Please call 911 or go to the nearest emergency room"
    )


# Written for this test: a report beside a general question is still a report.
@pytest.mark.parametrize(
    "message",
    [
        "his legs went numb at lunch, what if that is from the cement?",
        "will there be someone who can call me? my wife just fainted",
        # A blow to the head with a sign that it is serious, in a family's story.
        "my father is 80 and has a fractured vertebra, tonight he tripped on the "
        "rug, banged his head on the table and now he is drowsy and confused, "
        "will his kyphoplasty have to wait?",
    ],
)
def test_a_report_beside_a_general_question_gets_911_first(
    assistant: AssistantServers, message: str
) -> None:
    replies = assistant.say("report-" + "-".join(message.split()[:3]), message)

    assert replies[0]["text"].startswith(
        "Please call 911 or go to the nearest emergency room"
    )


def test_a_question_about_what_to_expect_is_answered_not_sent_to_911(
    assistant: AssistantServers,
) -> None:
    replies = assistant.say(
        "expect", "will there be much bleeding where the tube goes in?"
    )

    assert "911" not in replies[0]["text"]


# Written for this test: ordinary stories that read like red flags to the
# patterns before them (clinic_nlu/red_flags.py): a softening "just" after
# weeks of pain, paralysis asked about as a risk, a stroke named as a time.
@pytest.mark.parametrize(
    "story",
    [
        "Dad has been in terrible pain for five weeks since he slipped on the "
        "porch. I just want to know how quickly kyphoplasty eases it.",
        "My aunt is 80 with a cracked vertebra from a fall. Could the procedure "
        "paralyze her?",
        "He has used a cane since his stroke and now has a compression fracture. "
        "How long is the hospital stay?",
    ],
    ids=["softening-just", "paralysis-as-a-risk", "stroke-as-a-time"],
)
def test_an_ordinary_story_is_not_sent_to_911(
    assistant: AssistantServers,
    domain: Dict[str, Any],
    request: pytest.FixtureRequest,
    story: str,
) -> None:
    replies = assistant.say(request.node.callspec.id, story)

    assert replies[0]["text"] != response_text(domain, "utter_emergency")


# Written for this test: stories the classifiers are unsure of as a whole,
# whose question alone is plain (clinic_nlu/story_questions.py).
def test_an_unclear_story_gets_the_answer_to_its_question(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    replies = assistant.say(
        "story-stay",
        "Mum is 78. Her fracture happened in a fall and the doctor explained the "
        "balloon and cement part. Does she need to stay in hospital afterwards?",
    )

    assert [reply["text"] for reply in replies] == [
        response_text(domain, "utter_faq/hospital_stay")
    ]


def honest_deferrals(domain: Dict[str, Any]) -> Set[str]:
    """The replies for subjects the page does not cover, each with the number:
    one per known subject, and the general one when no subject is clear."""
    return {
        response_text(domain, name)
        for name in domain["responses"]
        if name.startswith("utter_not_covered/") or name == NOT_ON_PAGE
    }


def test_an_unclear_story_asking_beyond_the_page_gets_the_honest_deferral(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    replies = assistant.say(
        "story-warfarin",
        "Mum's scan showed a squashed vertebra after she fell in the garden. The "
        "specialist talked about kyphoplasty. Is it safe with her being on warfarin?",
    )

    assert replies[0]["text"] in honest_deferrals(domain)
    assert PHONE in replies[0]["text"]


# Written for this test: the classifiers were sure this was the accident
# answer; the sentence embeddings dispute it (clinic_nlu/embedding_classifier.py).
def test_a_sure_page_topic_the_embeddings_dispute_is_not_answered(
    assistant: AssistantServers, domain: Dict[str, Any]
) -> None:
    replies = assistant.say(
        "disputed-shower",
        "can i take a shower after kyphoplasty or keep the site dry? 57, "
        "fractured a vertebra falling off my motorbike",
    )

    assert replies[0]["text"] != response_text(domain, "utter_faq/after_accident")
    assert replies[0]["text"] in honest_deferrals(domain)


def test_appointment_request_gives_the_phone_number_first(
    assistant: AssistantServers,
) -> None:
    replies = assistant.say("appointment", "could I get an appointment next week")

    assert PHONE in replies[0]["text"]


# Written for this test: asking for a person instead of the assistant. The
# last two are unsure readings that name a person (clinic_nlu/unsure_booking.py).
@pytest.mark.parametrize(
    "message",
    [
        "can I chat with somebody real please",
        "could a member of your staff ring me",
        "can someone from the clinic chat with me instead",
        "can a human answer instead",
        "is anybody there from the office",
    ],
)
def test_asking_for_a_person_gets_the_number_and_a_callback(
    assistant: AssistantServers, domain: Dict[str, Any], message: str
) -> None:
    conversation = "person-" + "-".join(message.split())

    offer = assistant.say(conversation, message)
    accepted = assistant.say(conversation, "/affirm")

    assert [reply["text"] for reply in offer] == [
        response_text(domain, "utter_appointment")
    ]
    assert [reply["text"] for reply in accepted] == [
        response_text(domain, "utter_ask_callback_name")
    ]


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t ",
        "please help me understand " * 200,
        "😀🙏👍",
        "¿Cuánto tiempo dura la recuperación después de la cifoplastia?",
        "<b>hello</b><script>alert('x')</script>",
        "'; DROP TABLE events; --",
    ],
    ids=["empty", "whitespace", "5000-chars", "emoji", "spanish", "html", "sql"],
)
def test_bad_input_gets_a_clear_reply(
    assistant: AssistantServers, message: str
) -> None:
    replies = assistant.say("bad-input", message)

    assert len(replies) >= 1
    assert all(reply.get("text") for reply in replies)
    # The server keeps serving the next visitor normally.
    follow_up = assistant.say("after-bad-input", "when can I walk after the procedure")
    assert "walk an hour after" in follow_up[0]["text"]


@pytest.mark.parametrize(
    "message",
    ["😀😀", "¿Cuánto cuesta?", "asdfghjkl qwertyuiop"],
    ids=["emoji", "spanish", "gibberish"],
)
def test_unreadable_input_is_redirected_with_the_phone_number(
    assistant: AssistantServers, domain: Dict[str, Any], message: str
) -> None:
    replies = assistant.say("unreadable", message)
    texts: List[str] = [reply["text"] for reply in replies]

    # The redirect itself (which carries the number), not topic buttons.
    redirects = {
        response_text(domain, "utter_out_of_scope"),
        response_text(domain, "utter_default"),
    }
    assert texts[-1] in redirects
    assert PHONE in texts[-1]
    assert not any(reply.get("buttons") for reply in replies)


def test_invalid_json_is_refused_with_a_client_error(
    assistant: AssistantServers,
) -> None:
    status, _ = assistant.post(b"this is not json")

    assert 400 <= status < 500
    assert assistant.say("after-invalid-json", "hi")
