"""Red-flag detection: messages that must get the emergency reply.

A classifier can be unsure; a person who cannot feel their legs must still be
told to call 911. These patterns are a deterministic safety net that runs after
the classifiers and overrides them. False positives cost a visitor one extra
sentence; false negatives could cost much more, so the patterns lean wide.
"""

import re
from typing import Pattern, Tuple


def _compile(*patterns: str) -> Tuple[Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


_NOT = r"(?:can'?t|cannot|can not|cant|unable to|could ?n'?t|couldnt|not able to)"
_WHOSE = r"(?:my|his|her|their|the|both)?\s*"
_LEGS = r"(?:legs?|feet|foot|lower body)"

RED_FLAG_PATTERNS = _compile(
    # Loss of feeling or movement in the legs.
    rf"\b{_NOT}\s+(?:feel|move|lift|stand on)\s+{_WHOSE}{_LEGS}",
    rf"\b{_NOT}\s+feel\s+anything\s+below",
    rf"\b{_NOT}\s+get\s+up\b",
    rf"\b{_LEGS}\s+(?:\w+\s+){{0,2}}"
    r"(?:numb|weak|paralys|paralyz|gave out|giving out|went dead)",
    rf"\b(?:numb|numbness|paralys|paralyz)\w*\s+(?:\w+\s+){{0,5}}{_LEGS}",
    rf"\bweak(?:ness)?\s+in\s+{_WHOSE}(?:(?:left|right|lower)\s+)?{_LEGS}",
    r"\bsudden(?:ly)?\s+(?:\w+\s+){0,2}(?:weak|weakness|numb|numbness)\b",
    r"\bparaly[sz]ed\b",
    # Loss of bladder or bowel control.
    r"\b(?:lost|losing|lose|loss of|no)\s+(?:\w+\s+){0,3}(?:bladder|bowels?)\b",
    r"\b(?:bladder|bowels?)\s+(?:\w+\s+){0,2}(?:control|incontinen\w*|accident)",
    r"\b(?:wet|wetting|peed|peeing|pooped|pooping|soiled)\s+"
    r"(?:my|him|her|them)sel(?:f|ves)\b",
    rf"\b{_NOT}\s+(?:control|hold)\s+{_WHOSE}(?:bladder|bowels?|pee|urine)",
    # Chest pain and breathing trouble.
    r"\bchest\s+(?:pain|pains|pressure|tightness|hurts?)",
    r"\bpain\s+in\s+(?:my|his|her|their|the)\s+chest",
    r"\b(?:trouble|difficulty|problems?|hard|struggling)\s+(?:\w+\s+)?breath",
    rf"\b{_NOT}\s+(?:breathe|breath|catch (?:my|his|her) breath)",
    r"\bshort(?:ness)?\s+of\s+breath",
    r"\b(?:not|stopped)\s+breathing\b",
    # A sign of infection after the procedure (a fever is the other, below).
    r"\b(?:incision|wound)\b.*\b(?:pus|oozing|leaking|red and swollen)\b",
    # Other unmistakable emergencies and explicit calls for help.
    # "collapsed" and "unconscious" also describe vertebrae and anesthesia.
    r"\bcollapsed\b(?!\s+(?:vertebra|vertebrae|bone|disc|disk|spine))",
    r"\b(?:is|was|went|fell|became|knocked)\s+unconscious\b",
    r"\b(?:unresponsive|fainted|pass(?:ed|ing)? out)\b",
    r"\b(?:help me now|somebody help|someone help)\b",
    r"\b(?:heart attack|stroke)\b",
    r"\bemergenc(?:y|ies)\b",
    # "911" alone, not inside a phone number such as 555-911-2345.
    r"(?<![\d.-])(?<!\d[\s.-])\b911\b(?![\s.-]?\d)",
)

_FALL = r"\b(?:fall|fell|fallen|falling|slipped|tripped|accident|crash)\b"

# Patterns that flag a message only together, in any order.
RED_FLAG_COMBINATIONS = (
    # Severe, sudden pain after a fall or accident.
    _compile(
        _FALL,
        r"\bpain|\bhurts?\b",
        r"\b(?:severe|sudden|excruciating|unbearable|terrible|worst|intense|"
        r"extreme|agony)|\b(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b|\bis\s+a\s+10\b",
    ),
    # Unable to stand or walk after a fall.
    _compile(_FALL, rf"\b{_NOT}\s+(?:stand|walk)\b"),
    # A fever around the procedure: possibly an infection.
    _compile(r"\bfever", r"\b(?:procedure|kyphoplasty|surgery|operation|incision)"),
)


def is_red_flag(text: str) -> bool:
    """Tells whether a visitor message describes a possible emergency."""
    return any(pattern.search(text) for pattern in RED_FLAG_PATTERNS) or any(
        all(pattern.search(text) for pattern in combination)
        for combination in RED_FLAG_COMBINATIONS
    )
