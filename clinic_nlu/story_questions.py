"""Reads a story's question alone when the whole story leaves the classifiers unsure.

A family's story ("Mum is 78. Her fracture happened in a fall and the doctor
explained the balloon and cement part. Does she need to stay in hospital
afterwards?") spreads the classifiers' attention over every subject it
mentions, and the whole message can come out unsure although its question
alone is plain. Two components around the classifiers handle it:

- `StoryQuestionCopies`, early in the pipeline, adds to the batch a copy of
  each message of several sentences (or clauses) that holds only its
  questions (the sentences ending in "?", failing those the ones that ask
  without it: `question_sentences.py`), marked with the position of its
  story. The tokenizer, featurizers, classifiers and fallbacks read both.
- `StoryQuestionReadings`, after the fallbacks, drops the copies; where the
  story's reading is unsure (`nlu_fallback`) and its questions' reading is a
  sure answer from the page or an honest deferral (`faq/...`,
  `not_covered/...`), the story takes its questions' intent and topics. The
  later components and the red-flag rules still read the whole story.

A sure reading of the whole story stands: its other sentences often say
what the question's "it" or "that" is.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import StatelessComponent, intent_name
from clinic_nlu.question_sentences import asking_sentences
from clinic_nlu.vocabulary import FALLBACK_INTENT

# Marks a questions-only copy with the position of its story in the batch.
STORY_POSITION = "story_position"
# Button payloads ("/affirm") are intents already, never stories.
PAYLOAD_PREFIX = "/"
# A story tells this many words or more besides its questions; "hi, how long
# does it take?" or "sorry to bother you, is it surgery?" is a question, and
# reading it twice would cost a second pass through the pipeline for nothing.
MIN_STORY_WORDS = 5


def questions_only(text: str) -> str:
    """A message's question sentences, when it is a story that has some; else ""."""
    if text.startswith(PAYLOAD_PREFIX):
        return ""
    questions = " ".join(asking_sentences(text))
    told = len(text.split()) - len(questions.split())
    return questions if told >= MIN_STORY_WORDS else ""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class StoryQuestionCopies(StatelessComponent):
    """Adds a questions-only copy of each story to the batch.

    An intent classifier by type so that training skips it: the classifiers
    learn from the phrasings as written.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        """The messages, then a questions-only copy of each story that asks."""
        copies = []
        for position, message in enumerate(messages):
            questions = questions_only(str(message.get(TEXT) or ""))
            if questions:
                copies.append(Message(data={TEXT: questions, STORY_POSITION: position}))
        return messages + copies


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class StoryQuestionReadings(StatelessComponent):
    """Gives an unsure story its questions' sure reading; drops the copies."""

    def process(self, messages: List[Message]) -> List[Message]:
        """The original messages, each story read from its questions where better."""
        stories = [m for m in messages if m.get(STORY_POSITION) is None]
        for copy in messages:
            position = copy.get(STORY_POSITION)
            if position is not None and self._questions_decide(stories[position], copy):
                self._take_reading(stories[position], copy)
        return stories

    @staticmethod
    def _questions_decide(story: Message, questions: Message) -> bool:
        """Whether the story is unsure and its questions read as an intent with
        topics (`faq`, `not_covered`): an answer or an honest deferral."""
        selection = questions.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        with_topics = selection.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, [])
        return (
            intent_name(story) == FALLBACK_INTENT
            and intent_name(questions) in with_topics
        )

    @staticmethod
    def _take_reading(story: Message, questions: Message) -> None:
        for key in (INTENT, INTENT_RANKING_KEY, RESPONSE_SELECTOR_PROPERTY_NAME):
            story.set(key, questions.get(key), add_to_output=True)
