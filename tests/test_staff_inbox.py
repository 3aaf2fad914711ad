"""Inbox grouping and the NLU YAML export, without a database."""

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from staff.inbox import find, group, nlu_block, normalise, text_key


def row(text, time="2026-11-23T09:00:00+00:00", sender="v1", intent="nlu_fallback"):
    return {"text": text, "time": time, "sender_id": sender, "intent": intent}


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


def test_group_counts_near_identical_questions_once_newest_wording_first():
    rows = [
        row("how much does it cost", time="2026-11-23T10:00:00+00:00", sender="v2"),
        row("How much does it cost?", sender="v1", intent="not_covered"),
        row("what does it cost"),
        row("??"),
        row("!!"),
    ]

    items = group(rows, reviewed={text_key("what does it cost")})

    assert [(item.count, item.text) for item in items][:1] == [
        (2, "how much does it cost")
    ]
    first = items[0]
    assert first.senders == ["v2", "v1"]
    assert first.intents == ["nlu_fallback", "not_covered"]
    assert first.last_seen.startswith("2026-11-23T10")
    assert [item.reviewed for item in items if item.text == "what does it cost"] == [
        True
    ]
    # Wordless messages are grouped by exact text, not all into one item.
    assert {item.text for item in items if item.count == 1} >= {"??", "!!"}


def test_find_by_key_prefix():
    items = group([row("a"), row("b")], reviewed=set())
    assert find(items, items[1].key[:6]) is items[1]
    with pytest.raises(LookupError, match="at least 6"):
        find(items, "abc")
    with pytest.raises(LookupError, match="no inbox item"):
        find(items, "zzzzzzzz")


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
