"""Ranks the topics a visitor most likely meant when the classifier was unsure."""

from typing import Any, Dict, List, Tuple

from actions.follow_ups import named_steps
from actions.topics import (
    INTENT_TITLES,
    RETRIEVAL_INTENTS,
    TOPIC_QUESTIONS,
    selector_ranking,
)

Scored = Tuple[str, float]
# The second topic's score, as a share of the first's, for both to be offered.
PLAUSIBLE_SECOND_SHARE = 0.5
# The share of all probability the two must hold together: spread thinner
# over many topics, the question fits none of them (measured 0.4/0.6/0.8 on
# the blind sets; docs/honest-answers.md).
PLAUSIBLE_PAIR_MASS = 0.6
NOT_COVERED_PREFIX = "not_covered/"


def _retrieval_scores(
    intent: str, intent_confidence: float, ranking: List[Dict[str, Any]]
) -> List[Scored]:
    """Shares an intent's confidence among its sub-topics, by the selector's ranking."""
    sub_topics = [
        entry
        for entry in ranking
        if str(entry.get("intent_response_key", "")).startswith(f"{intent}/")
    ]
    total = sum(float(entry.get("confidence", 0.0)) for entry in sub_topics)
    if total <= 0:
        return []
    return [
        (
            entry["intent_response_key"],
            intent_confidence * float(entry["confidence"]) / total,
        )
        for entry in sub_topics
    ]


def likeliest_topics(parse_data: Dict[str, Any], limit: int = 2) -> List[str]:
    """Returns up to `limit` suggestable topics or intents, likeliest first."""
    return [name for name, _ in scored_topics(parse_data)[:limit]]


def scored_topics(parse_data: Dict[str, Any]) -> List[Scored]:
    """Every suggestable topic or intent with its score, likeliest first.

    A retrieval intent's confidence is shared among its sub-topics in
    proportion to the ResponseSelector's ranking, so "faq/duration" competes
    fairly with a plain intent such as "request_appointment".
    """
    ranking = selector_ranking(parse_data)
    scored: List[Scored] = []
    for entry in parse_data.get("intent_ranking", []):
        name = entry.get("name")
        confidence = float(entry.get("confidence", 0.0))
        if name in RETRIEVAL_INTENTS:
            scored.extend(_retrieval_scores(name, confidence, ranking))
        elif name in INTENT_TITLES:
            scored.append((name, confidence))
    scored = [(name, score) for name, score in scored if _is_suggestable(name)]
    scored.sort(key=lambda item: item[1], reverse=True)
    return scored


def two_are_plausible(scored: List[Scored]) -> bool:
    """Whether "did you mean…?" is a fair question for these topic scores.

    Only when the second likeliest topic is nearly as likely as the first and
    the two together hold most of the probability; with one clear favourite
    that still was not sure enough to answer, buttons only add a step. When
    either is a subject the page does not cover, the question most likely
    asks a detail beyond the page ("how many millimetres is the incision?":
    the incision, or details of the procedure), and the honest deferral is
    the answer whichever was meant.
    """
    if len(scored) < 2:
        return False
    (first, first_score), (second, second_score) = scored[:2]
    return (
        not first.startswith(NOT_COVERED_PREFIX)
        and not second.startswith(NOT_COVERED_PREFIX)
        and second_score >= PLAUSIBLE_SECOND_SHARE * first_score
        and first_score + second_score >= PLAUSIBLE_PAIR_MASS
    )


def suggested_topics(text: str, scored: List[Scored]) -> List[str]:
    """The two topics "did you mean…?" offers, or none.

    Two steps the message names by their words ("tube and balloon"), the
    likeliest topic among them, are what the visitor meant, whichever topic
    the classifiers rank second: the two likeliest of them. Otherwise the
    two likeliest topics, when both are plausible.
    """
    named = set(named_steps(text))
    steps = [name for name, _ in scored if name in named][:2]
    if len(steps) == 2 and scored[0][0] in named:
        return steps
    return [name for name, _ in scored[:2]] if two_are_plausible(scored) else []


def _is_suggestable(name: str) -> bool:
    return name in TOPIC_QUESTIONS or name in INTENT_TITLES


def button_for(topic: str) -> Dict[str, str]:
    """Builds the button that asks about `topic` when clicked."""
    if topic in INTENT_TITLES:
        return {"title": INTENT_TITLES[topic], "payload": f"/{topic}"}
    question = TOPIC_QUESTIONS[topic]
    return {"title": question, "payload": question}
