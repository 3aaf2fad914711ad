"""The honesty score reads each reply back to the outcome the visitor saw."""

from typing import Any, Dict

from bench.honesty import outcome_of, response_names_by_text, score
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
