"""Answers a message that leans on the previous answer ("and after that?").

Such a message seldom names a topic, so the classifier tells only its kind:
what comes next, or the same question for another person. The topic comes
from the `last_topic` slot (actions/conversation_context.py), unless the
message's own words name one clearly ("and how much is that?": the cost).
"What comes after the balloon?" names the step it wants the successor of.
"""

import re
from itertools import pairwise
from typing import Any, Dict, List, Mapping, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import LAST_TOPIC_SLOT
from actions.exchange_log import LoggingAction
from actions.topics import NOT_ON_PAGE, TOPICS, intent_name, selector_ranking
from clinic_facts import PROCEDURE_ORDER
from clinic_nlu.vocabulary import NEXT_STEP_INTENT

SOMEONE_ELSE_INTENT = "follow_up_someone_else"
FOLLOW_UP_INTENTS = frozenset({NEXT_STEP_INTENT, SOMEONE_ELSE_INTENT})
# What follows each answer, in the page's own order: the four steps of the
# procedure, then the recovery milestones. A topic missing here has nothing
# after it on the page, and the visitor gets the honest deferral.
NEXT_TOPIC: Dict[str, str] = {
    "faq/what_is": "faq/procedure_steps",
    **dict(pairwise(PROCEDURE_ORDER)),
    "faq/cement": "faq/recovery_overview",
    "faq/procedure_steps": "faq/recovery_overview",
    "faq/duration": "faq/recovery_overview",
    "faq/walking": "faq/hospital_stay",
    "faq/hospital_stay": "faq/activities",
    "faq/pain_relief": "faq/activities",
}
# The page's four steps in order (faq/procedure_steps): "what happens in step
# 3?" or, after the steps were listed, "and the last one?". Step 2 is the
# incision made after the anesthesia.
PROCEDURE_STEPS = (
    "faq/xray_assessment",
    "faq/incision_tube",
    "faq/balloon",
    "faq/cement",
)
_ORDINALS = r"first|second|third|fourth|last|final|1st|2nd|3rd|4th"
STEP_BY_NUMBER = re.compile(
    r"\bstep\s+(?:number\s+)?(one|two|three|four|[1-4])\b"
    rf"|\b({_ORDINALS})\s+(?:step|stage|part)\b",
    re.IGNORECASE,
)
ORDINAL = re.compile(rf"\b({_ORDINALS})\b", re.IGNORECASE)
STEP_INDEX = {
    **dict.fromkeys(("one", "1", "first", "1st"), 0),
    **dict.fromkeys(("two", "2", "second", "2nd"), 1),
    **dict.fromkeys(("three", "3", "third", "3rd"), 2),
    **dict.fromkeys(("four", "4", "fourth", "4th", "last", "final"), 3),
}
# Whether the procedure suits someone else is the page's age-and-health answer.
SUITABILITY_TOPICS = frozenset({"faq/candidates", "faq/age_health"})
SUITABILITY_FOR_SOMEONE_ELSE = "faq/age_health"
# Another person described by age or health ("he's 90 and frail", "she has
# diabetes"): the page's answer for them is the age-and-health one, whatever
# the last topic was (it says healing is faster for younger, healthy people).
AGE_OR_HEALTH = re.compile(
    r"\b(?:[4-9]\d|1[01]\d)(?:'?s)?\b|\b(?:age[ds]?|old|older|elderly|senior|young"
    r"|younger|frail|weak|health|healthy|sick|ill|diabetic|diabetes|heart|lung"
    r"|kidney|liver|cancer|osteoporosis|dementia|thinners|smoker|overweight"
    r"|condition|disease|eighties|nineties|seventies)\b",
    re.IGNORECASE,
)
IN_GENERAL = "utter_follow_up_in_general"
ASK_TOPIC = "utter_ask_follow_up_topic"
# Words that ask for what follows a named step ("after the x-rays", "once
# the tube is in", "then what"); "then they numb you?" names the step itself.
AFTER_NAMED_STEP = re.compile(
    r"\b(?:after|afterwards|once|past|done|finish\w*|over|follow\w*"
    r"|what'?s next|what next|then what|now what)\b",
    re.IGNORECASE,
)
# The words that name each step of the procedure ("after the tube is in").
# The selector may rank the step asked for above the one named ("what comes
# after the balloon?" read as the cement); the words say which was named.
STEP_WORDS: Dict[str, re.Pattern[str]] = {
    step: re.compile(rf"\b(?:{words})", re.IGNORECASE)
    for step, words in zip(
        PROCEDURE_ORDER,
        (
            r"x-?rays?|scans?|imaging",
            r"an(?:a)?esthe|numb|asleep|sedat|put (?:me |you )?(?:to sleep|under)",
            r"incision|cut\b|tube|opening",
            r"balloon|inflat|blow(?:s|n)? (?:it )?up",
            r"cement|glue|filler|material",
        ),
        strict=True,
    )
}
# The whole procedure named as what is over ("what happens after the
# procedure ends?"): what follows it on the page is the recovery.
WHOLE_PROCEDURE = re.compile(
    r"\b(?:the|this|my|his|her|a) (?:procedure|surgery|operation)\b|\bkyphoplas",
    re.IGNORECASE,
)
WHOLE_PROCEDURE_TOPIC = "faq/procedure_steps"
# "After that" points back at the last answer: a step the message names is
# then the one expected next ("what's next after that, when do I get to
# leave?": the stay), not one to go past. "After it's inflated" names a step.
AFTER_THAT = re.compile(
    r"\b(?:after|once|past|following)\s+(?:that|this|it)\b(?!'s|\s+(?:is|has|was)\b)",
    re.IGNORECASE,
)
# The ResponseSelector this sure of a follow-up's own topic answers that topic.
MIN_NAMED_TOPIC_CONFIDENCE = 0.6
# "My mum, who is 84": a "who" that describes the person, which the selector
# reads as asking which doctor performs the procedure.
DESCRIBING_WHO = re.compile(
    r"\b(?:my|our|his|her|their)\s+[\w-]+,?\s+who(?:'s|\s+(?:is|has|was|had)\b)",
    re.IGNORECASE,
)
WHO_PERFORMS_IT = "not_covered/doctors"


def named_topic(parse_data: Mapping[str, Any]) -> Optional[str]:
    """The topic a message names itself, when the ResponseSelector is sure of it."""
    ranking = selector_ranking(parse_data)
    if not ranking:
        return None
    top = ranking[0]
    topic = str(top.get("intent_response_key", ""))
    if topic == WHO_PERFORMS_IT and DESCRIBING_WHO.search(
        str(parse_data.get("text") or "")
    ):
        return None
    confident = float(top.get("confidence", 0.0)) >= MIN_NAMED_TOPIC_CONFIDENCE
    return topic if confident and topic in TOPICS else None


def step_by_number(text: str, last_topic: Optional[str]) -> Optional[str]:
    """The procedure step a message picks by its number, if it picks one."""
    match = STEP_BY_NUMBER.search(text)
    if match is None and last_topic == "faq/procedure_steps":
        match = ORDINAL.search(text)
    if match is None:
        return None
    number = next(group for group in match.groups() if group)
    return PROCEDURE_STEPS[STEP_INDEX[number.lower()]]


def named_steps(text: str) -> List[str]:
    """The steps of the procedure a message names by their words, in page order."""
    return [step for step, words in STEP_WORDS.items() if words.search(text)]


def mentioned_step(text: str) -> Optional[str]:
    """The latest step of the procedure a message names by its words, if any."""
    named = named_steps(text)
    return named[-1] if named else None


def asks_what_follows_a_named_step(text: str) -> bool:
    """Whether a message asks what comes after the step it names."""
    return AFTER_NAMED_STEP.search(text) is not None and not AFTER_THAT.search(text)


def follows_the_whole_procedure(text: str) -> bool:
    """Whether a message asks what comes after the procedure as a whole."""
    return asks_what_follows_a_named_step(text) and bool(WHOLE_PROCEDURE.search(text))


def describes_age_or_health(text: str) -> bool:
    """Whether a message gives a person's age or health ("my dad, 88, is frail")."""
    return AGE_OR_HEALTH.search(text) is not None


def next_step_response(topic: str) -> str:
    """The answer that follows `topic` on the page, or the honest deferral."""
    next_topic = NEXT_TOPIC.get(topic)
    return f"utter_{next_topic}" if next_topic else NOT_ON_PAGE


def follow_up_responses(intent: str, last_topic: Optional[str]) -> List[str]:
    """The responses a follow-up of kind `intent` gets after `last_topic`."""
    if not last_topic:
        return [ASK_TOPIC]
    if intent == NEXT_STEP_INTENT:
        return [next_step_response(last_topic)]
    if last_topic in SUITABILITY_TOPICS:
        return [f"utter_{SUITABILITY_FOR_SOMEONE_ELSE}"]
    if last_topic.startswith("faq/"):
        return [IN_GENERAL, f"utter_{last_topic}"]
    return [f"utter_{last_topic}"]


def _page_question_for_a_described_person(
    text: str, topic: Optional[str], last_topic: Optional[str]
) -> bool:
    """Another person's age or health, after a page answer, naming no other subject."""
    on_page = [name for name in (topic, last_topic) if name]
    return (
        bool(last_topic)
        and all(name.startswith("faq/") for name in on_page)
        and describes_age_or_health(text)
    )


def follow_up_answer(
    parse_data: Mapping[str, Any],
    last_topic: Optional[str],
    intent: Optional[str] = None,
) -> List[str]:
    """The responses a follow-up message gets: its own clear topic, else the context.

    A step asked for by its number is that step. "What comes after the tube
    is in?" names a step: asked as what comes next, it wants the step after
    the named one (named by its words, else by its topic), not the same
    answer again; "then they numb you?", "the tube, then the balloon?" or
    "what's next after that, the stay?" asks about the (latest) step it
    names; "what happens after the procedure ends?" with no clear topic wants
    what follows the procedure. A topic with nothing after it on the page
    ("what happens after the procedure?": recovery) is answered itself.
    Another person described by age or health, after a page answer, gets the
    age-and-health answer. `intent` is the follow-up's kind when it is not
    the message's own (an unsure message most likely a follow-up).
    """
    intent = intent or intent_name(parse_data)
    text = str(parse_data.get("text") or "")
    step = step_by_number(text, last_topic)
    if step is not None:
        return [f"utter_{step}"]
    mentioned = mentioned_step(text)
    asks_after = asks_what_follows_a_named_step(text)
    if intent == NEXT_STEP_INTENT and mentioned and asks_after:
        return [next_step_response(mentioned)]
    topic = named_topic(parse_data)
    if intent == NEXT_STEP_INTENT and topic is not None:
        follows = topic == last_topic or (topic in NEXT_TOPIC and asks_after)
        return [next_step_response(topic) if follows else f"utter_{topic}"]
    if intent == NEXT_STEP_INTENT and mentioned:
        return [f"utter_{mentioned}"]
    if intent == NEXT_STEP_INTENT and follows_the_whole_procedure(text):
        return [next_step_response(WHOLE_PROCEDURE_TOPIC)]
    if intent == SOMEONE_ELSE_INTENT and _page_question_for_a_described_person(
        text, topic, last_topic
    ):
        return [f"utter_{SUITABILITY_FOR_SOMEONE_ELSE}"]
    if topic is not None:
        return [f"utter_{topic}"]
    return follow_up_responses(intent, last_topic)


class ActionAnswerFollowUp(LoggingAction):
    """Answers "and after that?" or "what about for my mother?" in context."""

    action_name = "action_answer_follow_up"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the answer, logs the turn and remembers its topic."""
        responses = follow_up_answer(
            tracker.latest_message, tracker.get_slot(LAST_TOPIC_SLOT)
        )
        return await self.replies_and_log(dispatcher, tracker, domain, responses)
