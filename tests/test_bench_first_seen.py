"""The benchmark's first-seen messages are new to the bot and never repeat."""

import pytest

from bench import first_seen

pytestmark = pytest.mark.unit


def test_the_pool_is_large_distinct_and_holds_no_training_phrasing() -> None:
    pool = first_seen.question_pool()
    trained = first_seen.training_texts()

    assert len(pool) >= 500
    assert len({text.lower() for text in pool}) == len(pool)
    assert not {text.lower() for text in pool} & trained


def test_the_pool_is_the_same_for_every_bot() -> None:
    assert first_seen.question_pool() == first_seen.question_pool()


def test_new_messages_are_never_sent_twice_and_run_out_loudly() -> None:
    messages = first_seen.Messages(["a", "b", "c", "d", "e"])

    sent = messages.conversation(2) + messages.conversation(3)

    assert sent == ["a", "b", "c", "d", "e"]
    with pytest.raises(first_seen.PoolExhausted, match="after 5"):
        messages.conversation(1)


def test_the_mix_repeats_only_the_repeating_messages() -> None:
    pool = [f"question {n}" for n in range(1000)]
    messages = first_seen.Messages(pool, repeating=["hello", "thanks"])

    sent = [m for _ in range(100) for m in messages.conversation(4, 0.3)]
    repeats = [m for m in sent if m in ("hello", "thanks")]
    new = [m for m in sent if m.startswith("question")]

    assert len(new) == len(set(new)) == messages.sent_new
    assert 0.2 < len(repeats) / len(sent) < 0.4


def test_button_payloads_come_from_the_domain() -> None:
    assert "/request_appointment" in first_seen.button_payloads()
