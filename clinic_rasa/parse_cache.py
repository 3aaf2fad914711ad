"""Remembers the NLU reading of recent texts, so a repeated question skips NLU.

Visitors of an FAQ assistant ask the same few questions in the same words
("hi", "thank you", "how long is recovery"). The NLU pipeline (spaCy,
featurizers, DIET, the response selector, the fallback and safety components)
reads nothing but the text: the converter keeps only the text among its output
properties, and no component of ours looks at metadata or the conversation. So
its reading of a text is the same every time for a given model, and taking it
from memory is exact. Each cache belongs to one loaded model (one
MessageProcessor); callers get a deep copy, because Rasa adds keys to the
reading it is given. Size 0 turns the cache off.

Only the served reading (the output properties) is kept. A full reading, which
`rasa test nlu` asks for, carries every token's features: copying it took
about 0.3 s a message, far more than parsing, and no visitor ever repeats it.
"""

import copy
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_SIZE = 2000
# Longer texts are rarely repeated word for word; they are parsed, not kept.
MAX_CACHED_TEXT_CHARS = 300

ParseFunction = Callable[
    [MessageProcessor, UserMessage, DialogueStateTracker, bool], Dict[str, Any]
]
_rasa_parse: ParseFunction = MessageProcessor._parse_message_with_graph
_CACHE_ATTRIBUTE = "_clinic_parse_cache"


class ParseCache:
    """A bounded least-recently-used map from a text to its served reading."""

    def __init__(self, size: int) -> None:
        """`size` readings at most; the least recently used one goes first."""
        self.size = size
        self.hits = 0
        self.misses = 0
        self._readings: OrderedDict[str, Dict[str, Any]] = OrderedDict()

    def get(self, text: str) -> Optional[Dict[str, Any]]:
        """A copy of the reading kept for `text`, or None."""
        reading = self._readings.get(text)
        if reading is None:
            self.misses += 1
            return None
        self.hits += 1
        self._readings.move_to_end(text)
        copied: Dict[str, Any] = copy.deepcopy(reading)
        return copied

    def put(self, text: str, reading: Dict[str, Any]) -> None:
        """Keeps a copy of `reading`, dropping the oldest one when full."""
        self._readings[text] = copy.deepcopy(reading)
        if len(self._readings) > self.size:
            self._readings.popitem(last=False)


def cache_of(processor: MessageProcessor) -> "ParseCache | None":
    """The cache of a loaded model, if it has one (for tests and figures)."""
    cache: ParseCache | None = getattr(processor, _CACHE_ATTRIBUTE, None)
    return cache


def install(size: int = DEFAULT_SIZE) -> None:
    """Makes Rasa take the reading of recently seen texts from memory."""
    if size < 0:
        raise ValueError(f"the parse cache size must be 0 or more, got {size}")
    if size == 0:
        MessageProcessor._parse_message_with_graph = _rasa_parse
        return

    def parse(
        processor: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker,
        only_output_properties: bool = True,
    ) -> Dict[str, Any]:
        text = message.text or ""
        if not only_output_properties or len(text) > MAX_CACHED_TEXT_CHARS:
            return _rasa_parse(processor, message, tracker, only_output_properties)
        cache = cache_of(processor)
        if cache is None or cache.size != size:
            cache = ParseCache(size)
            setattr(processor, _CACHE_ATTRIBUTE, cache)
        reading = cache.get(text)
        if reading is None:
            reading = _rasa_parse(processor, message, tracker, only_output_properties)
            cache.put(text, reading)
        return reading

    MessageProcessor._parse_message_with_graph = parse
