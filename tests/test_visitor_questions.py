"""The blind visitor question sets through the REST webhook, on the trained model.

tests/blind/visitor_questions*.yml were each written by someone who saw only
the page and the topic list; nothing was trained on them. The floors are a
few points under the lowest figures measured (README, "Honest answers"):
trainings from nearly the same data differed by up to three points on a
set, so that variance passes and a change that makes answers clearly less
honest fails.
"""

from pathlib import Path
from typing import Any, Dict

import pytest

from bench.honesty import QUESTION_SETS, Honesty, measure
from tests.support.servers import AssistantServers

pytestmark = pytest.mark.e2e

MIN_ANSWERED_CORRECTLY = 0.88
MIN_SAFE_AND_HONEST = 0.92
MAX_CONFIDENT_WRONG = 0.06
MAX_FALSE_911 = 0.0
# The questions with no training phrasing close to them (bench/honesty.py).
MIN_FAR_ANSWERED_CORRECTLY = 0.85
MAX_FAR_CONFIDENT_WRONG = 0.07


@pytest.fixture(scope="module", params=QUESTION_SETS, ids=lambda path: path.stem)
def honesty(
    request: pytest.FixtureRequest, assistant: AssistantServers, domain: Dict[str, Any]
) -> Honesty:
    path: Path = request.param
    return measure(assistant.rasa_url, domain, path)


def test_most_questions_get_the_right_outcome(honesty: Honesty) -> None:
    assert honesty.answered_correctly >= MIN_ANSWERED_CORRECTLY, honesty.misses


def test_almost_all_get_a_safe_and_honest_reply(honesty: Honesty) -> None:
    assert honesty.safe_and_honest >= MIN_SAFE_AND_HONEST, honesty.misses


def test_confident_answers_on_the_wrong_subject_stay_rare(honesty: Honesty) -> None:
    wrong = [miss for miss in honesty.misses if miss["got"].startswith("faq/")]
    assert honesty.confident_wrong <= MAX_CONFIDENT_WRONG, wrong


def test_no_ordinary_question_gets_the_emergency_reply_alone(honesty: Honesty) -> None:
    sent_away = [miss for miss in honesty.misses if miss["got"] == "emergency"]
    assert honesty.false_911 <= MAX_FALSE_911, sent_away


def test_questions_far_from_training_mostly_get_the_right_outcome(
    honesty: Honesty,
) -> None:
    assert honesty.far_questions > 0
    assert honesty.far_answered_correctly >= MIN_FAR_ANSWERED_CORRECTLY


def test_questions_far_from_training_rarely_get_the_wrong_subject(
    honesty: Honesty,
) -> None:
    assert honesty.far_confident_wrong <= MAX_FAR_CONFIDENT_WRONG
