"""The honesty score reads each reply back to the outcome the visitor saw."""

from typing import Any, Dict

from bench.honesty import far_from_training, outcome_of, response_names_by_text, score
from bench.report import honesty_lines
from tests.support.texts import response_text


def test_replies_are_read_back_to_their_outcome(domain: Dict[str, Any]) -> None:
    names = response_names_by_text(domain)

    assert (
        outcome_of([response_text(domain, "utter_faq/duration")], names)
        == "faq/duration"
    )
    assert (
        outcome_of([response_text(domain, "utter_not_covered/cost")], names)
        == "not_covered"
    )
    assert outcome_of([response_text(domain, "utter_emergency")], names) == "emergency"
    assert (
        outcome_of([response_text(domain, "utter_suggest_topics")], names)
        == "clarification"
    )
    caution_then_answer = [
        response_text(domain, "utter_emergency_caution"),
        response_text(domain, "utter_faq/timing_window"),
    ]
    assert outcome_of(caution_then_answer, names) == "faq/timing_window"
    in_general_then_answer = [
        response_text(domain, "utter_follow_up_in_general"),
        response_text(domain, "utter_faq/hospital_stay"),
    ]
    assert outcome_of(in_general_then_answer, names) == "faq/hospital_stay"
    assert outcome_of([response_text(domain, "utter_ask_follow_up_topic")], names) == (
        "clarification"
    )


def test_a_wrong_subject_and_a_false_911_are_counted_apart(
    domain: Dict[str, Any],
) -> None:
    questions = [
        {"text": "how long does it take", "accept": ["faq/duration"]},
        {"text": "how long does the cement last", "accept": ["not_covered"]},
        {"text": "can I drive after", "accept": ["not_covered"]},
        {"text": "I fell a month ago, too late?", "accept": ["faq/timing_window"]},
    ]
    replies = [
        [response_text(domain, "utter_faq/duration")],
        [response_text(domain, "utter_faq/cement")],
        [response_text(domain, "utter_not_covered/aftercare")],
        [response_text(domain, "utter_emergency")],
    ]

    honesty = score(questions, replies, domain)

    assert honesty.answered_correctly == 0.5
    assert honesty.safe_and_honest == 0.5
    assert honesty.confident_wrong == 0.25
    assert honesty.false_911 == 0.25
    assert [miss["got"] for miss in honesty.misses] == ["faq/cement", "emergency"]


def test_a_question_close_to_a_training_phrasing_is_not_far() -> None:
    training = ["How long does kyphoplasty take?", "is there parking at the clinic"]

    assert far_from_training(
        [
            "how long does a kyphoplasty take",
            "Is there parking at your clinic?",
            "my mother fell last spring, would she still qualify",
        ],
        training,
    ) == [False, False, True]


def test_the_questions_far_from_training_are_counted_apart(
    domain: Dict[str, Any],
) -> None:
    questions = [
        {"text": "how long does it take", "accept": ["faq/duration"]},
        {"text": "will the glue hold forever", "accept": ["not_covered"]},
        {"text": "is it done under a general", "accept": ["faq/anesthesia"]},
    ]
    replies = [
        [response_text(domain, "utter_faq/duration")],
        [response_text(domain, "utter_faq/cement")],
        [response_text(domain, "utter_faq/anesthesia")],
    ]

    honesty = score(questions, replies, domain, far=[False, True, True])

    assert honesty.far_questions == 2
    assert honesty.far_answered_correctly == 0.5
    assert honesty.far_confident_wrong == 0.5
    assert honesty.answered_correctly == 2 / 3


def test_the_report_gives_the_far_rates_with_their_count() -> None:
    figures = {
        "questions": 4,
        "answered_correctly": 0.75,
        "safe_and_honest": 1.0,
        "confident_wrong": 0.0,
        "clarification": 0.0,
        "false_911": 0.0,
        "caution_line": 0.0,
        "far_questions": 2,
        "far_answered_correctly": 0.5,
        "far_confident_wrong": 0.0,
    }
    dialogues = {**figures, "far_questions": 0}

    lines = honesty_lines({"set": figures, "follow_ups": dialogues})

    assert (
        "| answered correctly, far from every training phrasing | 50.0% of 2 | - |"
        in (lines)
    )
