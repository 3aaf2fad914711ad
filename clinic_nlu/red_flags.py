"""Red-flag detection: messages that must get the emergency reply.

A classifier can be unsure; a person who cannot feel their legs must still be
told to call 911. These patterns are a deterministic safety net that runs after
the classifiers and overrides them. False negatives could cost much more than
false positives, so the patterns lean wide, with three exceptions that keep
the clinic's ordinary visitor from being sent away instead of answered:

- a symptom that is denied ("no numbness, no fever, just sore");
- a general question about a symptom ("is chest pain a known complication?",
  "what if I get a fever at home?") that reports nothing happening now, asked
  in the symptom's own clause;
- severe pain from a fall weeks or months ago that has not suddenly changed.

A call for help or the word "emergency" is never one of those exceptions.
"""

import re
from functools import lru_cache
from typing import Match, Optional, Pattern, Sequence, Tuple

from rapidfuzz.distance import DamerauLevenshtein, Indel, Levenshtein


def _compile(*patterns: str) -> Tuple[Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


_NOT = (
    r"(?:can'?t|cannot|can not|cant|cnt|cnat|unable to|could ?n'?t|couldnt|"
    r"not able to|won'?t|wont)"
)
_WHOSE = r"(?:my|his|her|their|the|both)?\s*"
_LEGS = r"(?:leg+[sz]?|lges|feet|foot|lower body|lower extremit\w*)"
_NUMB = r"(?:numb|numm|nunb|num)\b"
_BREATH = r"(?:breath\w*|breth\w*|breeth\w*|brea?the?)"
_CHEST = r"(?:chest|chst)"
_BLADDER = r"(?:bladder|bowels?|bowles)"
_CHEST_FEELING = (
    r"(?:pain|pains|pian|pressure|prssure|presure|tight\w*|heavy|heaviness|"
    r"hurt\w*|crush\w*|squeez\w*|ache|aching|burning|sitting on|weight on|elephant)"
)
_EVERY_WORDS = r"(?:\w+\W+){0,4}?"
_SITE = (
    r"\b(?:incision|wound|cut|puncture|site|spot|needle spot|"
    r"whe?re they (?:put|did|went in|inserted|operated))"
)
# Any words between a site and its sign, but no denial ("isn't red").
_UNDENIED_WORDS = r"(?:(?!\b(?:no|not|isn'?t|wasn'?t|without)\b).){0,60}"
_INFECTED = (
    r"\b(?:pus|ooz\w*|leak\w*|weep\w*|drain\w*|discharge|yellow|green|"
    r"red|hot|puffy|swollen|angry|smell\w*|bleeding|liquid|fluid|spreading)\b"
)

# Explicit calls for help: always a red flag, whatever else the message says.
CALLS_FOR_HELP = _compile(
    r"\bemerg[ae]n\w*|\bemerjen\w*",
    # "911" alone, not inside a phone number such as 555-911-2345.
    r"(?<![\d.-])(?<!\d[\s.-])\b911\b(?![\s.-]?\d)",
    r"\b(?:help me now|somebody help|someone help|please help us)\b|\bSOS\b",
    r"\b(?:need|needs|get|send)\s+help\s+"
    r"(?:now|urgently|right now|immediately|asap|fast)",
    r"\bhelp\s+(?:me\s+|us\s+|her\s+|him\s+)?(?:now|urgently|immediately|asap)\b",
    r"\burgent(?:ly)?\b[\s,!.]*(?:please\s+)?help\b|\bhelp\b\W+\w*\W*urgent(?:ly)?\b",
)

# Symptoms: a red flag unless denied or only asked about in general.
SYMPTOMS = _compile(
    # Loss of feeling or movement in the legs.
    rf"\b{_NOT}\s+(?:really\s+|even\s+)?(?:feel|move|lift|stand on)\s+"
    rf"(?:\w+\s+){{0,2}}{_LEGS}",
    rf"\b{_LEGS}\b.{{0,60}}\b{_NOT}\s+(?:really\s+|even\s+)?(?:feel|move|lift)\b",
    rf"\b(?:no|lost|losing|lose)\s+(?:\w+\s+)?feel\w*\s+in\s+{_WHOSE}{_LEGS}",
    r"\b(?:from|below)\s+the\s+waist\b",
    rf"\b(?:pins and needles|tingl\w*)\b.{{0,30}}{_LEGS}",
    rf"\b(?:{_NOT}|not)\s+feel\s+(?:\w+\s+)?(?:anything\s+)?(?:below|down there|"
    rf"the toilet seat|{_WHOSE}{_LEGS})",
    r"\bsaddle\s+(?:an(?:a)?esthesia|numbness)|\bperineal\s+numbness|"
    r"\burinary\s+retention|\bincontinen\w*|\bdyspn\w*|\bsyncop\w*|\bdiaphore\w*",
    rf"\b{_NOT}\s+get\s+up\b",
    rf"\b{_LEGS}\s+(?:\w+\s+){{0,4}}"
    rf"(?:{_NUMB}|weak|paralys|paralyz|gave out|giving out|went dead|gone dead|"
    r"feel dead|won'?t move|wont move|not moving|stopped working|jelly|noodles)",
    rf"\b(?:{_NUMB}|numbness|paralys|paralyz)\w*\s+(?:\w+\s+){{0,5}}{_LEGS}",
    rf"\bweak(?:ness)?\s+in\s+{_WHOSE}(?:(?:left|right|lower)\s+)?{_LEGS}",
    r"\bsudden(?:ly)?\s+(?:\w+\s+){0,2}(?:weak|weakness|numb|numbness)\b",
    r"\bparaly[sz]ed\b",
    # Loss of bladder or bowel control.
    rf"\b(?:lost|losing|lose|loss of)\s+(?:\w+\s+){{0,3}}{_BLADDER}\b",
    rf"\bno\s+control\s+(?:of|over)\s+{_WHOSE}{_BLADDER}",
    rf"\b{_BLADDER}\s+(?:\w+\s+){{0,2}}(?:control\w*|incontinen\w*|accident)",
    r"\b(?:wet|wetting|peed|peeing|pooped|pooping|soiled|soiling|mess(?:ed|ing)?)\s+"
    r"(?:my|him|her|them)\w*",
    rf"\b{_NOT}\s+(?:control|hold)\s+{_WHOSE}(?:bladder|bowels?|pee|urine|water)",
    rf"\b{_NOT}\s+(?:pee|urinate)\b",
    r"\blost\s+(?:the\s+)?control\b.{0,30}\b(?:toilet|bathroom|pee|bladder|bowel)",
    r"\baccident\s+in\s+(?:my|his|her|their)\s+(?:pants|bed|underwear|diaper)",
    r"\b(?:leak\w*|losing|lost)\s+(?:\w+\s+)?(?:urine|pee|stool)",
    r"\b(?:toilet|bathroom|pee\w*|urin\w*|wet the bed|pants)\b.{0,30}"
    r"\bwithout\s+(?:knowing|noticing|feeling)",
    # Chest pain or pressure, and pain spreading to the arm or jaw.
    rf"\b{_CHEST}\b\W+{_EVERY_WORDS}{_CHEST_FEELING}",
    rf"\b{_CHEST_FEELING}\W+(?:in\W+)?{_EVERY_WORDS}{_CHEST}\b",
    r"\b(?:spread\w*|radiat\w*|going|moving)\s+(?:up\s+|down\s+)?(?:in)?to\s+"
    r"(?:my|his|her)?\s*(?:jaw|left arm|arm|neck)\b",
    r"\bleft arm\s+(?:\w+\s+){0,2}(?:heavy|numb|tingl\w*|hurts?)",
    # Trouble breathing.
    rf"\b(?:trouble|difficulty|problems?|hard|struggl\w*|barely|hardly)\s+(?:\w+\s+)?"
    rf"(?:to\s+)?{_BREATH}",
    rf"\b{_NOT}\s+(?:{_BREATH}|(?:get|catch)\s+(?:my|his|her|their|a)\s+"
    rf"(?:full\s+|deep\s+)?{_BREATH})",
    rf"\bnot\s+{_BREATH}\s+(?:good|well|right|properly)",
    rf"\bshort(?:ness)?\s+(?:of\s+)?{_BREATH}|\b{_BREATH}\s+is\s+(?:so\s+)?short",
    rf"\b{_NOT}\s+get\s+(?:enough\s+)?air\b|\bbreathing\s+(?:\w+\s+)?(?:fast|shallow)",
    r"\b(?:not|stopped)\s+breathing\b|\bgasping\b|\bturning blue\b|"
    r"\blips\s+(?:are\s+)?blue",
    # Fainting, collapse, unconsciousness. "collapsed" and "unconscious" also
    # describe vertebrae and anesthesia; "it collapsed" is never a person.
    r"^(?!.*\b(?:(?:vertebr\w*|bones?|dis[ck]s?|spine)\s+(?:\w+\s+)?"
    r"|(?:it|which)\s+(?:\w+\s+){0,3})col+aps)"
    r".*(?<!from )\bcol+aps(?:e|ed|es|ing)\b"
    r"(?!\s+(?:of\s+(?:the|a|an|my|his|her|their)\s+)?"
    r"(?:vertebra|vertebrae|bone|disc|disk|spine))",
    r"\b(?:is|was|went|fell|became|knocked)\s+uncon(?:sc|c|s)ious\b",
    r"(?<!be )(?<!put )(?<!go )\buncon(?:sc|c|s)ious\b",
    r"\b(?:unresponsive|lost consciousness|won'?t wake up|keeled over|funny turn|"
    r"slumped)\b",
    r"\b(?:can'?t|cannot)\s+get\s+(?:her|him|them)\s+to\s+(?:respond|wake)",
    r"\b(?:isn'?t|is not|not|won'?t)\s+(?:answering|responding|talking|making sense|"
    r"making any sense)\b",
    r"\b(?:is|she's|he's|i'm|lying|laying|lies|out)\s+on\s+the\s+floor\b",
    r"\b(?:please|pls|plz)\s+hurry\b|\bhurry\s*!|^\W*hurry\b",
    r"\b(?:pass(?:ed|es|ing)?|pased|past)\s+out\b",
    r"\bbla(?:c?k)(?:ed|ing|s)?\s+out\b",
    r"\bfaint(?:ed|ing|s)?\b",
    r"\b(?:heart attack|stroke)\b",
    # A sign of infection where the procedure went in (a fever is below).
    rf"{_SITE}\b{_UNDENIED_WORDS}{_INFECTED}",
    rf"{_INFECTED}{_UNDENIED_WORDS}{_SITE}\b",
)

_FALL = (
    r"\b(?:fall|fell|fel|fallen|falling|slipped|slid|tripped|landed|accident|crash\w*|"
    r"tumble|rear-ended|wreck|collision|hit the floor|went down|came off)\b"
)
_SEVERE = (
    r"\b(?:severe|sudden|excruciating|unbearable|terrible|worst|intense|extreme|"
    r"agony|awful|horrible|unreal|agoni[sz]ing|scream\w*|howl\w*|crying|killing|"
    r"fierce|huge|worse than)"
    r"|\b(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b|\bis\s+a\s+10\b"
)
_FEVER = (
    r"\b(?:fe?ve?r\w*|burning up|chills|temp(?:erature)?\s+(?:of\s+|is\s+|was\s+)?"
    r"(?:1\d\d|3[89]|4[01])|thermometer|drenched in sweat|"
    r"10[0-5](?:\.\d)?\s*(?:f\b|degrees))"
)
# The procedure by name, or as "had mine (done)" when the chat is about it.
_PROCEDURE = (
    r"\b(?:procedure|k[iy][pf]h?oplasty|surgery|operation|incision|balloon|cement)"
    r"|\b(?:had|got)\s+(?:mine|it)\s+done\b|\bhad\s+mine\b"
)

# A blow to the head, and the signs that make it an emergency: confusion,
# drowsiness, vomiting, bleeding, a seizure. Either alone is an everyday
# message ("I'm confused about the cost", "he hit his head last year").
_HEAD_BLOW = (
    r"\b(?:hit|hits|bumped|banged|bashed|struck|smacked|cracked|whacked)\s+"
    r"(?:\w+\s+){0,2}head\b|\bhead\s+(?:injury|wound|trauma|first)\b"
)
_HEAD_INJURY_SIGNS = (
    r"\b(?:confus\w*|disorient\w*|dazed|groggy|drowsy|vomit\w*|throwing up|"
    r"threw up|bleed\w*|blood\w*|seizure\w*|slurr\w*|not acting like|"
    r"(?:can'?t|cannot|doesn'?t|does not)\s+(?:remember|recogni[sz]e|know where))"
)

# Patterns that flag a message only together, in any order; the first is
# the symptom, which must not be denied.
SYMPTOM_COMBINATIONS = (
    # A fever around the procedure: possibly an infection.
    _compile(_FEVER, _PROCEDURE),
    _compile(_HEAD_INJURY_SIGNS, _HEAD_BLOW),
)

# Severe pain, or being unable to stand, walk or move, after a fall is a red
# flag when it is new: the fall was just now (or the message does not say
# when), or it came on suddenly. The clinic's typical visitor fell weeks ago,
# has had bad pain since, and asks whether kyphoplasty can help: that story
# gets an answer, not only 911.
AFTER_A_FALL = (
    _compile(_SEVERE, _FALL, r"\bpain|\bhurt(?:s|ing)?\b|\bscream\w*|\bhowl\w*"),
    _compile(rf"\b{_NOT}\s+(?:stand|walk|move|straighten)\b", _FALL),
)
_WEEKS_AGO = re.compile(
    r"\b(?:weeks?|months?|years?|wks?)\s+(?:ago|back|now)\b"
    r"|\blast\s+(?:week|month|year|spring|summer|fall|autumn|winter)\b"
    r"|\b(?:for|since|over|about|almost|nearly)\s+(?:the\s+)?(?:a|one|two|three|four|"
    r"five|six|seven|eight|several|few|couple(?:\s+of)?|\d+)\s+(?:weeks?|months?)\b"
    r"|\b(?:in|since|back in)\s+(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\b",
    re.IGNORECASE,
)
_NEW_PAIN = re.compile(
    r"\b(?:sudden(?:ly)?|all of a sudden|right now|this morning|tonight|"
    r"today|an hour ago|minutes ago|out of nowhere|now much worse|got worse)\b"
    # "she just fell", not "I just need to know".
    r"|\bjust\s+(?:now|fell|fallen|slipped|tripped|happened|crashed|collapsed|broke|"
    r"landed|went down|had (?:a|the) (?:fall|accident))\b",
    re.IGNORECASE,
)

# A denial just before a symptom, in the same clause: "no chest pain".
_DENIAL = re.compile(
    r"\b(?:no|not|never|without|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|"
    r"haven'?t|hasn'?t|hadn'?t|denies|nor|neither|tends? to|used to|history of)\b",
    re.IGNORECASE,
)
# Anywhere in the symptom's clause: it is over, or a habit ("fainted once in
# 2019", "chest pain last year that turned out to be heartburn", "faints easily"),
# or a memory from earlier in life ("passed out as a teenager", "when I was
# little", "back in college").
_OVER = re.compile(
    r"\b(?:(?:a|one|two|three|few|several|many|\d+)\s+(?:years?|months?)\s+ago|"
    r"years ago|last year|in (?:19|20)\d\d|once(?!\s+(?:today|tonight|again|more))|"
    r"as an? (?:kid|child|teen(?:ager)?|boy|girl|youngster|student)|"
    r"when (?:i|he|she|we) (?:was|were) (?:an? )?(?:kid|child|little|small|young|"
    r"younger|teen(?:ager)?|baby|student)|"
    r"(?:back )?in (?:grade school|high school|college|school|(?:my|his|her) "
    r"(?:teens|twenties|thirties|youth|childhood))|growing up|childhood|"
    r"turned out|been fine|cleared|"
    r"before (?:christmas|thanksgiving|easter|the holidays)|easily|usually)\b",
    re.IGNORECASE,
)
# A symptom named as a time in the past: "lost his license after his stroke",
# "since her heart attack" (unless the clause says it is new).
_TIME_REFERENCE = re.compile(
    r"\b(?:after|since|following|before)\s+(?:a|an|the|his|her|my|their|our)\s+$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?,]|\b(?:but|just|except|and now|now)\b", re.I)
_DENIAL_REACH = 40

# A question about a symptom in general, not a report of one happening now.
_GENERAL_QUESTION = re.compile(
    r"\b(?:is|are)\s+(?:\w+\s+){0,4}?(?:a\s+|an\s+)?(?:common|normal|known|possible|"
    r"usual|typical|expected)\b|\bside[\s-]effects?\b|\bcomplications?\b|"
    r"\bwhat\s+if\b|\bin\s+case\b|\bwatch\s+(?:out\s+)?for\b|\bwarning\s+signs?\b|"
    # What to expect: "will there be much bleeding?", "is there a lot of pain?"
    r"\b(?:will|would)\s+there\s+be\b|\bis\s+there\s+(?:much|a lot of|lots of)\b|"
    r"\bif\s+(?:\w+\s+){0,3}?(?:get|gets|got|have|has|start|starts|develop|develops|"
    r"notice|notices|feel|feels|ever|becomes?|happens?)\b|"
    r"\b(?:can|could|might|will|would)\s+(?:you|i|it|this|kyphoplasty|the procedure|"
    r"the cement)\s+(?:get|cause|give|lead|leave|make)\b|"
    r"\b(?:do|does|can|could|will|would)\s+(?:\w+\s+){0,2}(?:patients?|people|anyone)\b",
    re.IGNORECASE,
)
_HAPPENING_NOW = re.compile(
    r"\b(?:right now|now|today|tonight|this morning|since|ago|currently|keeps?|"
    r"won'?t stop|started|suddenly|yesterday|last night|days? (?:out|after)|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)


# Where a symptom's sentence or clause ends: a general question elsewhere in
# the message ("I can't feel my legs, what if it's permanent?") does not make
# the symptom general.
_QUESTION_CLAUSE_BREAK = re.compile(r"[.;:!?,]")


def _asked_in_general(text: str, match: Match[str]) -> bool:
    """Whether the symptom matched is only asked about, in its own clause."""
    # From the match's end: some patterns match from the start of the text.
    before = _QUESTION_CLAUSE_BREAK.split(text[: match.end()])[-1]
    after = _QUESTION_CLAUSE_BREAK.split(text[match.end() :])[0]
    clause = before + after
    return bool(_GENERAL_QUESTION.search(clause)) and not _HAPPENING_NOW.search(text)


def _is_not_current(text: str, match: Match[str]) -> bool:
    """Whether the symptom matched is denied, over, a habit, or a past time."""
    before = _CLAUSE_BREAK.split(
        text[max(0, match.start() - _DENIAL_REACH) : match.start()]
    )
    after = _CLAUSE_BREAK.split(text[match.end() :])
    clause = before[-1] + match.group(0) + after[0]
    named_as_past = _TIME_REFERENCE.search(before[-1]) and not _NEW_PAIN.search(clause)
    return bool(_DENIAL.search(before[-1]) or _OVER.search(clause) or named_as_past)


def _reported(pattern: Pattern[str], text: str) -> bool:
    """Whether `pattern` matches somewhere it is reported as happening."""
    return any(
        not (_is_not_current(text, match) or _asked_in_general(text, match))
        for match in pattern.finditer(text)
    )


def _all_reported(combination: Sequence[Pattern[str]], text: str) -> bool:
    symptom, *context = combination
    return _reported(symptom, text) and all(part.search(text) for part in context)


def _is_new_after_a_fall(text: str) -> bool:
    if not any(_all_reported(combination, text) for combination in AFTER_A_FALL):
        return False
    return bool(_NEW_PAIN.search(text)) or not _WEEKS_AGO.search(text)


# Words of the patterns above that visitors misspell in a hurry ("chesst",
# "bladdr", "collapsd", "cnat"): a word one letter longer or shorter than one
# of these, or with two neighbouring letters swapped, is read as it; long words
# may be two edits away. A changed letter alone does not count: it mostly
# makes another real word ("painted" is not "fainted", "never" not "fever").
TYPO_TARGETS = (
    "bladder", "bowels", "breath", "breathe", "breathing", "cannot", "chest",
    "collapsed", "control", "emergency", "fainted", "fever", "floor", "incision",
    "kyphoplasty", "leaking", "numbness", "oozing", "paralyzed", "passed",
    "pressure", "swollen", "unconscious", "weakness", "yellow",
)  # fmt: skip
# Real words as close to a target as a typo is: never "corrected".
_REAL_NEIGHBOURS = frozenset((
    "ladder", "blabber", "boozing", "conscious", "emergence", "passe",
    "paralyze", "paralyse", "paralyzes", "paralyses",
))  # fmt: skip
_MIN_TYPO_LENGTH = 5
_LONG_WORD = 9
_WORD = re.compile(r"[A-Za-z]+")
# Distinct words whose correction is kept (least recently used go first).
_WORDS_KEPT = 20_000


def _is_typo_of(word: str, target: str) -> bool:
    if len(word) >= _LONG_WORD:
        return DamerauLevenshtein.distance(word, target) <= 2
    return Indel.distance(word, target) <= 1 or (
        len(word) == len(target)
        and DamerauLevenshtein.distance(word, target) == 1
        and Levenshtein.distance(word, target) == 2
    )


@lru_cache(maxsize=_WORDS_KEPT)
def _correction(lower: str) -> Optional[str]:
    """The red-flag word `lower` misspells, if any (kept: visitors reuse words)."""
    if len(lower) < _MIN_TYPO_LENGTH or lower in _REAL_NEIGHBOURS:
        return None
    return next((target for target in TYPO_TARGETS if _is_typo_of(lower, target)), None)


def _corrected(match: Match[str]) -> str:
    word = match.group(0)
    return _correction(word.lower()) or word


def with_typos_corrected(text: str) -> str:
    """The text with misspelled red-flag words spelled as the patterns expect."""
    return _WORD.sub(_corrected, text)


def is_red_flag(text: str) -> bool:
    """Tells whether a visitor message describes a possible emergency."""
    text = with_typos_corrected(text)
    if any(pattern.search(text) for pattern in CALLS_FOR_HELP):
        return True
    return (
        any(_reported(pattern, text) for pattern in SYMPTOMS)
        or any(_all_reported(combination, text) for combination in SYMPTOM_COMBINATIONS)
        or _is_new_after_a_fall(text)
    )
