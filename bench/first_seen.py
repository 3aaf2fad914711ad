"""Messages a bot has not seen before, each sent once in a run.

Real visitors mostly type questions in words nobody used before, so the
benchmark's headline sends every text once: the pool is the blind visitor
questions (tests/blind/, written without sight of the training data and
never trained on), each also with a few everyday openings ("hi, …", "quick
question: …"), so a run never runs out; a text that also occurs in the
training data is left out. The mix adds what does repeat on a real page:
button payloads, greetings and thanks (30 % of its messages).
"""

import random
import re
from pathlib import Path
from typing import Iterator, List, Sequence, Set

import yaml

from bench import honesty
from bench.training_data import training_examples

ROOT = Path(__file__).resolve().parent.parent
OPENINGS = ("", "hi, ", "quick question: ", "sorry to bother you, ", "hello! ")
GREETINGS_AND_THANKS = ("hello", "hi there", "thanks", "thank you, that helps", "ok")
MIX_REPEATING_SHARE = 0.3
SEED = 20261201


class PoolExhausted(RuntimeError):
    """More new messages were asked for than the pool holds."""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def training_texts(root: Path = ROOT) -> Set[str]:
    """Every training phrasing of data/nlu/, lower-cased."""
    return {
        _normal(text) for texts in training_examples(root).values() for text in texts
    }


def question_pool(seed: int = SEED) -> List[str]:
    """The blind questions with each opening, shuffled, none from training."""
    trained = training_texts()
    questions = [
        str(question["text"])
        for path in honesty.QUESTION_SETS
        for question in honesty.load_questions(path)
    ]
    pool: List[str] = []
    seen: Set[str] = set()
    for opening in OPENINGS:
        for question in questions:
            text = (
                f"{opening}{question[0].lower()}{question[1:]}" if opening else question
            )
            key = _normal(text)
            if key not in trained and key not in seen:
                seen.add(key)
                pool.append(text)
    random.Random(seed).shuffle(pool)
    return pool


def button_payloads(root: Path = ROOT) -> List[str]:
    """What the domain's buttons send when a visitor taps them."""
    domain = yaml.safe_load((root / "domain.yml").read_text("utf-8"))
    payloads = {
        str(button["payload"])
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons", [])
    }
    return sorted(payloads)


class Messages:
    """Conversations of new texts from the pool, optionally mixed with repeats."""

    def __init__(
        self, pool: Sequence[str], repeating: Sequence[str] = (), seed: int = SEED
    ) -> None:
        self._new: Iterator[str] = iter(pool)
        self._repeating = list(repeating)
        self._random = random.Random(seed)
        self.sent_new = 0

    def conversation(self, turns: int, repeating_share: float = 0.0) -> List[str]:
        """`turns` messages; each new one is a text not sent before by this source."""
        return [self._next(repeating_share) for _ in range(turns)]

    def _next(self, repeating_share: float) -> str:
        if self._repeating and self._random.random() < repeating_share:
            return self._random.choice(self._repeating)
        try:
            text = next(self._new)
        except StopIteration:
            raise PoolExhausted(
                f"the pool of new messages ran out after {self.sent_new}"
            ) from None
        self.sent_new += 1
        return text
