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

# Severe, sudden pain after a fall or accident: all three, in any order.
SEVERE_PAIN_AFTER_FALL = _compile(
    r"\b(?:fall|fell|fallen|falling|slipped|tripped|accident|crash)\b",
    r"\bpain|\bhurts?\b",
    r"\b(?:severe|sudden|excruciating|unbearable|terrible|worst|intense|extreme|agony)",
)


def is_red_flag(text: str) -> bool:
    """Tells whether a visitor message describes a possible emergency."""
    return any(pattern.search(text) for pattern in RED_FLAG_PATTERNS) or all(
        pattern.search(text) for pattern in SEVERE_PAIN_AFTER_FALL
    )
