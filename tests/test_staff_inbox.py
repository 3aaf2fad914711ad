"""The inbox grouped and paged in SQL (SQLite and PostgreSQL), and its NLU export."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from clinic_log import reviews
from clinic_log.database import session_scope
from clinic_log.queries import LOW_CONFIDENCE
from clinic_log.text_keys import normalise, text_key
from staff.inbox import count, find, load, nlu_block, page
from tests.support.log_records import at, exchange
from tests.support.staff_log import fill


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How much does it COST?", "how much does it cost"),
        ("  how   much,does it cost!! ", "how much does it cost"),
        ("\uff23\uff4f\uff53\uff54\uff1f", "cost"),  # full-width "Cost?"
        ("?!", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def unanswered(number, text, minutes, sender="v1", intent="nlu_fallback"):
    return exchange(
        sender_id=sender,
        message_id=f"m{number}",
        time=at(minutes),
        text=text,
        intent=intent,
        confidence=0.3,
        answer_key="utter_default",
        is_fallback=True,
    )


def test_near_identical_questions_are_one_item_newest_wording_first(
    migrated_url, session_factory
):
    fill(
        migrated_url,
        exchanges=[
            unanswered(1, "How much does it cost?", 1, intent="not_covered"),
            unanswered(2, "how much does it cost", 5, sender="v2"),
            unanswered(3, "what does it cost", 2),
            unanswered(4, "??", 3),
            unanswered(5, "!!", 4),
            exchange(message_id="m6", time=at(6)),  # answered: not in the inbox
        ],
    )
    with session_scope(session_factory) as session:
        reviews.mark_reviewed(session, text_key("what does it cost"), "kim")
    with session_scope(session_factory) as session:
        items = load(session)
        unreviewed = load(session, show_all=False)

    assert [(item.count, item.text) for item in items][:1] == [
        (2, "how much does it cost")
    ]
    first = items[0]
    assert first.senders == ["v2", "v1"]
    assert first.intents == ["nlu_fallback", "not_covered"]
    assert first.last_seen.startswith("2026-11-23T09:05")
    assert [item.reviewed for item in items if item.text == "what does it cost"] == [
        True
    ]
    assert "what does it cost" not in {item.text for item in unreviewed}
    # Wordless messages are grouped by exact text, not all into one item.
    assert {item.text for item in items if item.count == 1} >= {"??", "!!"}


def test_pages_follow_the_inbox_order_and_count_every_item(
    migrated_url, session_factory
):
    fill(
        migrated_url,
        exchanges=[
            unanswered(number, f"question number {number}", number)
            for number in range(1, 8)
        ],
    )
    with session_scope(session_factory) as session:
        pages = [page(session, offset=offset, limit=3) for offset in (0, 3, 6)]
        total = count(session)

    texts = [item.text for shown in pages for item in shown]
    # Equal counts: the most recent first, every item exactly once.
    assert texts == [f"question number {number}" for number in range(7, 0, -1)]
    assert [len(shown) for shown in pages] == [3, 3, 1]
    assert total == 7


def test_find_by_key_prefix(migrated_url, session_factory):
    fill(migrated_url, exchanges=[unanswered(1, "a", 1), unanswered(2, "b", 2)])
    with session_scope(session_factory) as session:
        key = text_key("a")
        assert find(session, key[:6]).text == "a"
        with pytest.raises(LookupError, match="at least 6"):
            find(session, "abc")
        with pytest.raises(LookupError, match="no inbox item"):
            find(session, "zzzzzzzz")


def test_nlu_block_is_rasa_shaped():
    block = nlu_block("not_covered", ["how much: really?", 'the "price" #2'])
    assert block == (
        "- intent: not_covered\n"
        "  examples: |\n"
        "    - how much: really?\n"
        '    - the "price" #2\n'
    )


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_nlu_block_round_trips_any_text(texts):
    (parsed,) = yaml.safe_load(nlu_block("faq", texts))
    examples = [line[2:] for line in parsed["examples"].splitlines()]
    assert parsed["intent"] == "faq"
    assert examples == [" ".join(text.split()) for text in texts]


def test_low_confidence_means_what_the_fallback_classifier_means():
    config = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "config.yml").read_text("utf-8")
    )
    (fallback,) = [
        step for step in config["pipeline"] if step["name"] == "FallbackClassifier"
    ]
    assert fallback["threshold"] == LOW_CONFIDENCE
