"""How the callback form reads an answer before the intent classifier decides.

To an intent classifier a phone number can look like anything (it took some
for emergencies) and a question can look like a name. So the form reads each
answer itself: a name or a number is the slot's value whatever the intent; a
red flag, "stop", a thumbs click and a clear question go to the rules (911,
cancel, feedback, or an answer and then the same question again); a name or
a number wins even over the classifier's "stop".
"""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Dict, FrozenSet, Mapping, Optional

from actions.follow_ups import FOLLOW_UP_INTENTS
from actions.topics import intent_name
from clinic_nlu.contact_details import is_question, name_in_answer, phone_number_in
from clinic_nlu.vocabulary import (
    EMERGENCY_INTENT,
    NAME_ENTITY,
    PHONE_ENTITY,
    RED_FLAG_ENTITY,
)

MAX_TIME_LENGTH = 200
MAX_REASON_LENGTH = 500
SKIP_WORDS = {"skip", "no", "none", "nothing", "n/a", "na", "no thanks", "-", "pass"}

# Intents whose rules end or step out of the form (data/rules.yml).
ENDING_INTENTS = frozenset({"stop", "feedback"})
# Intents the rule "A question during the callback request…" answers before
# the form asks again; `emergency` here is the classifier's alone (no red flag).
QUESTION_INTENTS = frozenset(
    {
        "faq",
        "not_covered",
        "request_appointment",
        "nlu_fallback",
        "bot_challenge",
        "out_of_scope",
        EMERGENCY_INTENT,
        *FOLLOW_UP_INTENTS,
    }
)
# The entity that gives (or corrects) each slot from any message.
SLOT_ENTITIES = {"callback_name": NAME_ENTITY, "callback_phone": PHONE_ENTITY}
_TIME_WORDS = re.compile(
    r"\d|morning|afternoon|evening|night|noon|lunch|\b(?:am|pm)\b|any ?time|"
    r"week|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"tomorrow|asap|soon|after|before|early|late|\bday",
    re.IGNORECASE,
)


def _cleaned(answer: str) -> str:
    return " ".join(answer.split())


def checked_time(answer: str) -> Optional[str]:
    """Any short answer with a letter or digit."""
    best_time = _cleaned(answer)
    if len(best_time) <= MAX_TIME_LENGTH and any(c.isalnum() for c in best_time):
        return best_time
    return None


def checked_reason(answer: str) -> Optional[str]:
    """Optional: "skip" gives an empty reason; overly long notes are refused."""
    reason = answer.strip()
    if reason.lower().strip(".! ") in SKIP_WORDS:
        return ""
    return reason if len(reason) <= MAX_REASON_LENGTH else None


READERS: Dict[str, Callable[[str], Optional[str]]] = {
    "callback_name": name_in_answer,
    "callback_phone": phone_number_in,
    "callback_time": checked_time,
    "callback_reason": checked_reason,
}


class Reading(Enum):
    """What an answer to the form's question turned out to be."""

    VALUE = "the slot's value"
    TO_RULES = "not an answer: the rules reply, then the form asks again or ends"
    OTHER_SLOT = "it gives another slot: ask this one again, without complaint"
    INVALID = "an answer that cannot be used: say why and ask again"


@dataclass(frozen=True)
class Answer:
    """The reading of one answer, with the slot's value when there is one."""

    reading: Reading
    value: Optional[str] = None


@dataclass(frozen=True)
class VisitorMessage:
    """What the form looks at in the visitor's latest message."""

    text: str
    intent: str
    entities: FrozenSet[str]

    @classmethod
    def from_parse(cls, text: str, parse_data: Mapping[str, Any]) -> "VisitorMessage":
        """Reads the text as typed and Rasa's parse data of it.

        The parse data's own text is what the classifiers read (a phone
        number there is a placeholder), so the typed text is passed apart.
        """
        return cls(
            text=text,
            intent=intent_name(parse_data),
            entities=frozenset(
                str(entity.get("entity")) for entity in parse_data.get("entities") or []
            ),
        )


def _gives_another_slot(slot: str, message: VisitorMessage) -> bool:
    return any(
        entity in message.entities
        for other, entity in SLOT_ENTITIES.items()
        if other != slot
    )


def _looks_like_an_answer(slot: str, text: str) -> bool:
    """Whether text the classifier took for an emergency is still an answer.

    Digits at the phone question are a mistyped number (asked again, never
    911); a time needs a word of time; any reason is a reason.
    """
    if slot == "callback_phone":
        return any(character.isdigit() for character in text)
    if slot == "callback_time":
        return bool(_TIME_WORDS.search(text))
    return slot == "callback_reason"


def read_answer(slot: str, message: VisitorMessage) -> Answer:
    """Reads the visitor's message as the answer to the form's question for `slot`."""
    if RED_FLAG_ENTITY in message.entities:
        return Answer(Reading.TO_RULES)
    value = READERS[slot](message.text)
    if slot in SLOT_ENTITIES and value is not None:
        return Answer(Reading.VALUE, value)
    if message.intent in ENDING_INTENTS:
        return Answer(Reading.TO_RULES)
    if message.intent in QUESTION_INTENTS and is_question(message.text):
        return Answer(Reading.TO_RULES)
    if _gives_another_slot(slot, message):
        return Answer(Reading.OTHER_SLOT)
    if message.intent == EMERGENCY_INTENT and not _looks_like_an_answer(
        slot, message.text
    ):
        return Answer(Reading.TO_RULES)
    if value is None:
        return Answer(Reading.INVALID)
    return Answer(Reading.VALUE, value)
