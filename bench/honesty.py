"""How honestly the assistant answers a blind set of visitor questions.

Each question of tests/blind/visitor_questions.yml lists its acceptable
outcomes: a page topic (`faq/duration`), `not_covered` (the honest "the page
doesn't cover that" with the number), `appointment`, `redirect` or
`emergency`. A reply is read back to the outcome it is, by its text in the
domain, and counted; a confident answer on the wrong subject is counted apart,
since it is the worst outcome.
"""

import http.client
import json
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

import yaml
from rapidfuzz import fuzz, process

from bench.load import client_addresses
from bench.training_data import training_examples
from clinic_log.text_keys import normalise

BLIND = Path(__file__).resolve().parent.parent / "tests" / "blind"
QUESTION_SETS = sorted(BLIND.glob("visitor_questions*.yml"))
# Conversations whose later messages lean on the earlier ones ("and after that?").
DIALOGUES = BLIND / "follow_ups.yml"
CAUTION = "utter_emergency_caution"
# Replies that lead into the answer that follows them: the outcome is that answer.
LEAD_INS = frozenset({CAUTION, "utter_follow_up_in_general"})
# Replies that are each an outcome of their own, by response name.
OUTCOME_OF_RESPONSE = {
    "utter_emergency": "emergency",
    "utter_appointment": "appointment",
    "utter_iamabot": "appointment",
    "utter_question_not_on_page": "not_covered",
    "utter_caution_tell_more": "not_covered",
    "utter_suggest_topics": "clarification",
    "utter_ask_follow_up_topic": "clarification",
    "utter_out_of_scope": "redirect",
    "utter_greet": "greeting",
    "utter_default": "redirect",
}
# A question whose nearest training phrasing scores under this (rapidfuzz's
# ratio of the two normalised texts, 0 to 100) is far from training: the
# sets and the training data were written for the same page, so many blind
# questions have a close neighbour in training, and the far ones measure
# questions never seen most fairly.
NEAR_TRAINING_RATIO = 75


def load_questions(path: Path) -> List[Dict[str, Any]]:
    """The blind questions, each with its text, acceptable outcomes and kind."""
    return list(yaml.safe_load(path.read_text("utf-8"))["questions"])


def response_names_by_text(domain: Mapping[str, Any]) -> Dict[str, str]:
    """Every response text of the domain, to the response's name."""
    return {
        str(variants[0]["text"]).strip(): name
        for name, variants in domain["responses"].items()
        if variants and variants[0].get("text")
    }


def outcome_of(replies: Sequence[str], names: Mapping[str, str]) -> str:
    """The outcome a visitor saw: the first reply after any lead-in (the 911 line)."""
    responses = [names.get(text.strip(), "") for text in replies]
    while responses and responses[0] in LEAD_INS:
        responses = responses[1:]
    if not responses:
        return "none"
    first = responses[0]
    if first.startswith("utter_faq/"):
        return first[len("utter_") :]
    if first.startswith("utter_not_covered/"):
        return "not_covered"
    return OUTCOME_OF_RESPONSE.get(first, "other")


@dataclass
class Honesty:
    """Rates over the questions, as fractions of `questions`."""

    questions: int
    answered_correctly: float
    safe_and_honest: float
    confident_wrong: float
    clarification: float
    false_911: float
    caution_line: float
    misses: List[Dict[str, Any]]
    # The questions far from every training phrasing, and their rates.
    far_questions: int = 0
    far_answered_correctly: float = 0.0
    far_confident_wrong: float = 0.0


def _is_safe(outcome: str, accept: Iterable[str]) -> bool:
    """Correct, or an honest deferral with the number instead of a page fact."""
    accepted = set(accept)
    return outcome in accepted or (
        outcome == "not_covered" and "emergency" not in accepted
    )


def far_from_training(texts: Sequence[str], training: Iterable[str]) -> List[bool]:
    """Whether each text has no training phrasing within NEAR_TRAINING_RATIO."""
    known = [normalise(text) for text in training]
    return [
        process.extractOne(
            normalise(text), known, scorer=fuzz.ratio, score_cutoff=NEAR_TRAINING_RATIO
        )
        is None
        for text in texts
    ]


def score(
    questions: Sequence[Mapping[str, Any]],
    replies: Sequence[Sequence[str]],
    domain: Mapping[str, Any],
    far: Optional[Sequence[bool]] = None,
) -> Honesty:
    """Counts each question's outcome against its acceptable ones.

    `far` marks the questions far from training (`far_from_training`), whose
    rates are also counted apart.
    """
    names = response_names_by_text(domain)
    counts = dict.fromkeys(("correct", "safe", "wrong", "buttons", "false_911"), 0)
    far_counts = dict.fromkeys(("questions", "correct", "wrong"), 0)
    cautions = 0
    misses = []
    far = far or [False] * len(questions)
    for question, sent, is_far in zip(questions, replies, far, strict=True):
        accept = list(question["accept"])
        outcome = outcome_of(sent, names)
        correct = outcome in accept
        wrong = outcome.startswith("faq/") and not correct
        cautions += bool(sent) and names.get(sent[0].strip()) == CAUTION
        counts["correct"] += correct
        counts["safe"] += _is_safe(outcome, accept)
        counts["wrong"] += wrong
        counts["buttons"] += outcome == "clarification"
        counts["false_911"] += outcome == "emergency" and "emergency" not in accept
        far_counts["questions"] += is_far
        far_counts["correct"] += is_far and correct
        far_counts["wrong"] += is_far and wrong
        if not correct:
            misses.append({"text": question["text"], "accept": accept, "got": outcome})
    total = max(len(questions), 1)
    far_total = max(far_counts["questions"], 1)
    return Honesty(
        questions=len(questions),
        answered_correctly=counts["correct"] / total,
        safe_and_honest=counts["safe"] / total,
        confident_wrong=counts["wrong"] / total,
        clarification=counts["buttons"] / total,
        false_911=counts["false_911"] / total,
        caution_line=cautions / total,
        misses=misses,
        far_questions=far_counts["questions"],
        far_answered_correctly=far_counts["correct"] / far_total,
        far_confident_wrong=far_counts["wrong"] / far_total,
    )


def ask(
    url: str,
    sender: str,
    text: str,
    source_address: Optional[str] = None,
    timeout_s: float = 30,
) -> List[str]:
    """One message to a running assistant's REST webhook: the reply texts.

    From `source_address` if given, since the assistant limits messages per
    client address and every question is asked as a visitor of its own.
    """
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1",
        parts.port or 80,
        timeout=timeout_s,
        source_address=(source_address, 0) if source_address else None,
    )
    try:
        body = json.dumps({"sender": sender, "message": text})
        headers = {"Content-Type": "application/json"}
        connection.request("POST", "/webhooks/rest/webhook", body, headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != HTTPStatus.OK:
            raise RuntimeError(f"HTTP {response.status} for {text!r}: {payload!r}")
        return [str(reply.get("text", "")) for reply in json.loads(payload)]
    finally:
        connection.close()


def measure(url: str, domain: Mapping[str, Any], path: Path) -> Honesty:
    """Asks every question of a set as a new visitor and scores the replies.

    Visitor ids are new on every run, so no earlier conversation on the same
    database changes a reply. The questions far from the training phrasings
    of the working tree are also scored apart.
    """
    asked = load_questions(path)
    run = uuid.uuid4().hex[:8]
    addresses = client_addresses(url)
    replies = [
        ask(url, f"honesty-{run}-{index}", question["text"], next(addresses))
        for index, question in enumerate(asked)
    ]
    training = [text for texts in training_examples().values() for text in texts]
    far = far_from_training([question["text"] for question in asked], training)
    return score(asked, replies, domain, far)


def measure_dialogues(url: str, domain: Mapping[str, Any], path: Path) -> Honesty:
    """Plays each blind dialogue as one visitor and scores the turns after the first.

    A first turn stands alone (the question sets measure those); every later
    turn is a follow-up, answered right only if the assistant kept the context.
    """
    dialogues = yaml.safe_load(path.read_text("utf-8"))["dialogues"]
    run = uuid.uuid4().hex[:8]
    addresses = client_addresses(url)
    follow_ups: List[Dict[str, Any]] = []
    replies: List[List[str]] = []
    for index, dialogue in enumerate(dialogues):
        sender, address = f"follow-ups-{run}-{index}", next(addresses)
        first, *later = dialogue["turns"]
        ask(url, sender, first["text"], address)
        for turn in later:
            follow_ups.append(turn)
            replies.append(ask(url, sender, turn["text"], address))
    return score(follow_ups, replies, domain)
