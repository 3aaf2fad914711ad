"""Names and words the pipeline, the rules and the actions share.

Kept apart from the Rasa components so that the action server can import
them without the NLU machinery.
"""

import re
from typing import Any, Dict, Optional, Sequence

EMERGENCY_INTENT = "emergency"
# Rasa's name for an unsure reading (FallbackClassifier, clinic_nlu.topic_fallback).
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# A question about kyphoplasty or the clinic that the page does not cover.
NOT_COVERED_INTENT = "not_covered"
# "And after that?" (actions/follow_ups.py, clinic_nlu/next_step_questions.py).
NEXT_STEP_INTENT = "follow_up_next"
# A red-flag rule fired (clinic_nlu.components.SafetyOverride).
RED_FLAG_ENTITY = "red_flag"
# Found by clinic_nlu.components.ContactDetailsExtractor.
PHONE_ENTITY = "phone_number"
NAME_ENTITY = "person_name"

# Words only a message about kyphoplasty uses: the classifier's out_of_scope
# for such a message is doubtful (clinic_nlu.topic_fallback).
_KYPHOPLASTY_WORDS = (
    r"k[iy]pho\w*|vertebr\w*|cement|balloon|spin(?:e|al)|compression fractures?"
)
# Words of the page and the clinic: an unclear message that uses one gets the
# honest "the page doesn't cover that" rather than the general reply.
_ON_TOPIC_WORDS = (
    r"fractur\w*|back|procedure|surgery|operation|incision|an(?:a)?esthesia|"
    r"recover\w*|osteopor\w*|compression|dis[ck]s?|stenosis|x-?rays?|clinic|"
    r"doctors?|physicians?|surgeons?|hospital|treatments?|walk\w*|stay|pain\w*|"
    r"stitch\w*|rehab\w*|therap\w*|medic\w*|heal\w*|mobil\w*|height|"
    r"candidates?|herniat\w*|injur\w*|accident|fall|fell"
)
_KYPHOPLASTY = re.compile(rf"\b(?:{_KYPHOPLASTY_WORDS})\b", re.IGNORECASE)
_ON_TOPIC = re.compile(
    rf"\b(?:{_KYPHOPLASTY_WORDS}|{_ON_TOPIC_WORDS})\b", re.IGNORECASE
)


def is_about_kyphoplasty(text: str) -> bool:
    """Whether a message uses a word only kyphoplasty questions use."""
    return bool(_KYPHOPLASTY.search(text))


def is_on_topic(text: str) -> bool:
    """Whether a message speaks of kyphoplasty, the spine or the clinic."""
    return bool(_ON_TOPIC.search(text))


def likeliest_reading(ranking: Sequence[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The likeliest intent of a ranking other than the fallback, if any."""
    return next(
        (entry for entry in ranking if entry.get("name") != FALLBACK_INTENT), None
    )
