"""The development sets are new to the model, and the tool never reads a blind set."""

from pathlib import Path
from typing import List

import pytest
import yaml

from bench import dev_questions, honesty
from bench.training_data import training_examples
from tests.conftest import ROOT
from tests.support.texts import normalised

pytestmark = pytest.mark.unit


def _scored_texts(path: Path) -> List[str]:
    """The questions, or the dialogues' later turns (a first turn is not scored)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if "dialogues" in data:
        return [turn["text"] for d in data["dialogues"] for turn in d["turns"][1:]]
    return [question["text"] for question in data["questions"]]


def test_no_development_text_is_a_training_phrasing() -> None:
    """Compared as the blind sets are: case and punctuation do not count."""
    trained = {
        normalised(text) for texts in training_examples(ROOT).values() for text in texts
    }
    sets = sorted(dev_questions.DEV.glob("*.yml"))

    assert sets
    for path in sets:
        copied = [t for t in _scored_texts(path) if normalised(t) in trained]
        assert not copied, (path.name, copied)


def test_a_blind_set_is_refused_before_anything_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        dev_questions.parse_args([str(honesty.QUESTION_SETS[0])])

    assert "blind set" in capsys.readouterr().err


def test_every_development_set_is_asked_by_default(tmp_path: Path) -> None:
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")

    args = dev_questions.parse_args(["--model", str(model)])

    assert args.sets == sorted(dev_questions.DEV.glob("*.yml"))
