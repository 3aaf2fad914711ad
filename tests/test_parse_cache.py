"""The NLU reading of a repeated text comes from memory, and equals a fresh one."""

from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa import parse_cache
from tests.support.servers import trained_model

ROOT = Path(__file__).resolve().parent.parent


class CountingParser:
    """Stands for Rasa's NLU graph: counts its calls, returns a fresh reading."""

    def __init__(self) -> None:
        self.texts: List[str] = []

    def __call__(
        self, processor: Any, message: UserMessage, tracker: Any, only_output: bool
    ) -> Dict[str, Any]:
        self.texts.append(message.text or "")
        return {"text": message.text, "intent": {"name": "greet"}, "entities": []}


@pytest.fixture
def parser(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingParser]:
    counting = CountingParser()
    monkeypatch.setattr(parse_cache, "_rasa_parse", counting)
    yield counting
    parse_cache.install(0)


def parse(processor: Any, text: str, served: bool = True) -> Dict[str, Any]:
    tracker = DialogueStateTracker.from_events("visitor", [])
    reading: Dict[str, Any] = MessageProcessor._parse_message_with_graph(
        processor, UserMessage(text, sender_id="visitor"), tracker, served
    )
    return reading


class Processor:
    """A stand-in MessageProcessor: the cache only needs somewhere to live."""


def test_a_repeated_text_is_parsed_once_and_each_caller_gets_its_own_copy(parser):
    parse_cache.install(10)
    processor = Processor()

    first = parse(processor, "hello")
    first["intent"]["full_retrieval_intent_name"] = "added by Rasa"
    second = parse(processor, "hello")

    assert parser.texts == ["hello"]
    assert second == {"text": "hello", "intent": {"name": "greet"}, "entities": []}
    cache = parse_cache.cache_of(processor)  # type: ignore[arg-type]
    assert cache is not None and (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_text_goes_first_when_full(parser):
    parse_cache.install(2)
    processor = Processor()

    for text in ["a", "b", "a", "c", "a", "b"]:
        parse(processor, text)

    assert parser.texts == ["a", "b", "c", "b"]


def test_each_loaded_model_has_its_own_cache(parser):
    parse_cache.install(10)

    parse(Processor(), "hello")
    parse(Processor(), "hello")

    assert parser.texts == ["hello", "hello"]


def test_long_texts_are_parsed_every_time(parser):
    parse_cache.install(10)
    long_text = "x" * (parse_cache.MAX_CACHED_TEXT_CHARS + 1)
    processor = Processor()

    parse(processor, long_text)
    parse(processor, long_text)

    assert len(parser.texts) == 2


def test_full_readings_for_evaluation_are_parsed_every_time_and_not_kept(parser):
    parse_cache.install(10)
    processor = Processor()

    parse(processor, "hello", served=False)
    parse(processor, "hello", served=False)
    parse(processor, "hello")

    assert parser.texts == ["hello", "hello", "hello"]
    cache = parse_cache.cache_of(processor)  # type: ignore[arg-type]
    assert cache is not None and (cache.hits, cache.misses) == (0, 1)


def test_size_zero_turns_the_cache_off(parser):
    parse_cache.install(0)

    assert MessageProcessor._parse_message_with_graph is parse_cache._rasa_parse
    with pytest.raises(ValueError):
        parse_cache.install(-1)


@pytest.mark.model
def test_the_models_reading_depends_on_the_text_alone():
    """What makes the cache exact: sender, metadata and history change nothing."""
    parse_cache.install(0)
    processor = Agent.load(str(trained_model(ROOT))).processor
    assert processor is not None
    text = "how soon can I drive after the procedure?"
    history = DialogueStateTracker.from_dict(
        "other", [{"event": "action", "name": "action_listen"}]
    )

    readings = [
        MessageProcessor._parse_message_with_graph(processor, message, tracker)
        for message, tracker in [
            (UserMessage(text, sender_id="a"), DialogueStateTracker("a", [])),
            (
                UserMessage(
                    text,
                    sender_id="b",
                    metadata={"text_truncated": True},
                    message_id="m",
                ),
                history,
            ),
        ]
    ]

    assert readings[0] == readings[1]
    assert readings[0]["intent"]["name"]
