"""Reads a callback's phone number and name out of what a visitor types.

Shared by the NLU (entities for one-shot requests and corrections) and the
callback form (its own reading of each answer), so that both agree on what a
number or a name is. Values are kept as typed, without the words around them.
"""

import re
from itertools import dropwhile
from typing import FrozenSet, Optional, Tuple

import phonenumbers

from clinic_facts import CLINIC_PHONE_DIGITS

# The clinic's own number: a visitor who types it is not giving theirs.
_CLINIC_NATIONAL_NUMBER = int(CLINIC_PHONE_DIGITS)
MAX_NAME_LENGTH = 100
MAX_NAME_WORDS = 6

Span = Tuple[int, int]


def phone_number_span(text: str, clinic_too: bool = False) -> Optional[Span]:
    """Where the first valid US number in `text` is, extension included.

    libphonenumber's matcher accepts every common way of writing one
    ("(904) 555-0134", "+1.904.555.0134", "904 555 0134 ext 12"…) and refuses
    too few or too many digits, impossible area codes and foreign numbers.
    The clinic's own number counts only with `clinic_too`.
    """
    matcher = phonenumbers.PhoneNumberMatcher(
        text, "US", leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        number = match.number
        if phonenumbers.region_code_for_number(number) == "US" and (
            clinic_too or number.national_number != _CLINIC_NATIONAL_NUMBER
        ):
            return match.start, match.end
    return None


def phone_number_in(text: str) -> Optional[str]:
    """The first valid US number in `text`, exactly as typed."""
    span = phone_number_span(text)
    return None if span is None else text[span[0] : span[1]]


def _word_set(words: str) -> FrozenSet[str]:
    return frozenset(words.split())


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
_GREETING = r"(?:(?:hi|hello|hey|ok|okay|sure|yes|yeah|yep|oh|um|uh)\b[\s,!.:-]*)*"
_RELATIVES = (
    "son|daughter|husband|wife|mother|mom|mum|father|dad|partner|sister|brother|"
    "aunt|uncle|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|"
    "caregiver|friend|niece|nephew|wife's|husband's"
)
# "my name is", "I'm", "this is", "call me", "you can ask for (my son,)"…
_LEAD_IN = re.compile(
    _GREETING + r"(?:(?:my|the)\s+(?:full\s+)?name(?:'s|\s+is)|name(?:'s|\s+is)?\s*:?|"
    r"i\s+am|i'm|im|this\s+is|it's|its|it\s+is|call\s+me|"
    r"(?:you\s+can\s+|you\s+could\s+|they\s+can\s+|please\s+|just\s+)?ask\s+for)"
    rf"\s+(?:my\s+(?:{_RELATIVES})(?:'s\s+name\s+is)?[\s,:]+)?",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"(?:[\s,;:!-]+(?:here|thanks|thank\s+you|thx|ty|please|pls|speaking))*"
    r"[\s,.;:!]*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['.\-])*$")
# Words that show an answer is a sentence, not a name.
_NOT_NAME_WORDS = _word_set(
    """
    i me my mine you your we our us the a an is are was be am do does did can
    could would should how what whats what's when where why who which not no
    yes yeah yep ok okay sure it its it's this that to of in on at for about
    with or but if have has had get kyphoplasty procedure surgery pain back
    call number phone name want need know dont don't rather say hello hi hey
    thanks thank skip none nothing stop cancel quit nevermind never mind forget
    help please later anytime
    morning mornings afternoon afternoons evening evenings tomorrow today idk
    monday tuesday wednesday thursday friday saturday sunday weekday weekdays
    weekend
    """
)


def _name_words(candidate: str) -> Optional[str]:
    words = candidate.split()
    if not 0 < len(words) <= MAX_NAME_WORDS or len(candidate) > MAX_NAME_LENGTH:
        return None
    if all(_NAME_WORD.match(word) and _may_be_in_a_name(word) for word in words):
        return " ".join(words)
    return None


def _may_be_in_a_name(word: str) -> bool:
    """Not a word of a sentence; a capital initial ("A", "J.") counts, but "I"."""
    initial = word.rstrip(".")
    if len(initial) == 1 and initial.isupper() and initial != "I":
        return True
    return word.lower() not in _NOT_NAME_WORDS


_ABBREVIATIONS = _word_set("jr sr dr mr mrs ms st")


def _without_tail(text: str) -> str:
    """The text without trailing thanks and punctuation ("Jr." keeps its dot)."""
    kept = _TAIL.sub("", text)
    words = kept.split()
    if words and words[-1].lower() in _ABBREVIATIONS and text[len(kept) :][:1] == ".":
        return f"{kept}."
    return kept


def name_in_answer(answer: str) -> Optional[str]:
    """The name in an answer to "what name should they ask for?", or None.

    "my name is Tom Reed", "I'm Ana Diaz", "it's Dana here", "ask for my son,
    Kevin Hart" give the name alone; a title ("Mrs. Ortiz") is part of it.
    A sentence that is not a name ("how long is the stay?") gives None.
    """
    text = answer.translate(_APOSTROPHES).strip()
    lead_in = _LEAD_IN.match(text)
    if lead_in:
        text = text[lead_in.end() :]
    return _name_words(_without_tail(text))


# A name the visitor introduces unasked: the lead-in must be explicit, and
# after "this is" every word must be capitalized ("this is Ann", not "this is fine").
_INTRODUCTION = re.compile(
    r"\b(?:(?:my|the)\s+name(?:'s|\s+is)|name(?:'s|\s+is)\s*:?|(?P<this>this\s+is))"
    r"\s+(?P<name>[^,;!?]+?)(?=\s+(?:and|my|i|call|at)\b|[,;!?]|$)",
    re.IGNORECASE,
)


def introduced_name(text: str) -> Optional[str]:
    """A name introduced anywhere in a message ("…, this is Ann"), or None."""
    for found in _INTRODUCTION.finditer(text.translate(_APOSTROPHES)):
        name = _name_words(_without_tail(found.group("name")))
        if name and (
            not found.group("this") or all(word[0].isupper() for word in name.split())
        ):
            return name
    return None


_QUESTION_STARTS = _word_set(
    """
    what whats what's how hows how's when where wheres where's why who whos
    who's which is are can could do does did will would should am may was were
    has have any
    """
)
# Words a question may open with before its question word ("wait, how long…").
_OPENERS = _word_set(
    "wait hold hang on before that sorry also and oh ok okay um uh actually but "
    "quick question so hey first btw one more thing"
)
MIN_QUESTION_WORDS = 3


def is_question(text: str) -> bool:
    """Tells whether a message reads as a question rather than an answer."""
    if "?" in text:
        return True
    words = re.findall(r"[a-z']+", text.translate(_APOSTROPHES).lower())
    rest = list(dropwhile(lambda word: word in _OPENERS, words))
    return len(rest) >= MIN_QUESTION_WORDS and rest[0] in _QUESTION_STARTS
