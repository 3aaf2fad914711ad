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

A sure reading of the whole story mostly stands: its other sentences often
say what the question's "it" or "that" is. Only questions sure on their own
(`sure_question_above`) outweigh it: certain of a topic the story did not
choose (the story's other subjects, "the doctor explained the balloon and
cement part", can make the whole sure of a step the question does not ask
about), or sure of an intent whose topic agrees with it where the whole
story's intent and topic disagree (read as a deferral, answered as the stay).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from clinic_nlu.components import (
    ConfiguredComponent,
    StatelessComponent,
    intent_name,
    top_topic,
)
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
SURE_QUESTION_ABOVE_KEY = "sure_question_above"


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
class StoryQuestionReadings(ConfiguredComponent):
    """Gives a story its questions' reading where that reads it better; drops copies."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Questions this sure of their topic outweigh a sure whole story.

        Measured on the development stories (docs/honest-answers.md).
        """
        return {SURE_QUESTION_ABOVE_KEY: 0.9}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps how sure the questions must be to outweigh a sure story."""
        super().__init__(config)
        self._sure_question_above = float(self.config[SURE_QUESTION_ABOVE_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        """The original messages, each story read from its questions where better."""
        stories = [m for m in messages if m.get(STORY_POSITION) is None]
        for copy in messages:
            position = copy.get(STORY_POSITION)
            if position is not None and self._questions_decide(stories[position], copy):
                self._take_reading(stories[position], copy)
        return stories

    def _questions_decide(self, story: Message, questions: Message) -> bool:
        """Whether the questions read as an intent with topics (`faq`,
        `not_covered`: an answer or an honest deferral) and the story is unsure,
        or both have topics and the questions are sure where the story is
        not: certain of a topic the story did not choose, or sure of an intent
        whose topic agrees with it where the story's intent and topic
        disagree (a sure booking request or follow-up stands)."""
        selection = questions.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        with_topics = selection.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS, [])
        if intent_name(questions) not in with_topics:
            return False
        if intent_name(story) == FALLBACK_INTENT:
            return True
        if intent_name(story) not in with_topics:
            return False
        topic, confidence = top_topic(questions)
        certain_of_another = (
            confidence > self._sure_question_above and topic != top_topic(story)[0]
        )
        sure_where_the_story_disagrees = (
            intent_confidence(questions) > self._sure_question_above
            and reads_one_way(questions)
            and not reads_one_way(story)
        )
        return certain_of_another or sure_where_the_story_disagrees

    @staticmethod
    def _take_reading(story: Message, questions: Message) -> None:
        for key in (INTENT, INTENT_RANKING_KEY, RESPONSE_SELECTOR_PROPERTY_NAME):
            story.set(key, questions.get(key), add_to_output=True)


def reads_one_way(message: Message) -> bool:
    """Whether a message's likeliest topic is one of its intent's (`faq/...`
    under `faq`): the story read as `not_covered` but answered as the stay
    is read two ways."""
    topic = top_topic(message)[0] or ""
    return topic.startswith(f"{intent_name(message)}/")


def intent_confidence(message: Message) -> float:
    """How sure the classifiers are of a message's intent."""
    return float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0))
