"""Answer quality: training time, held-out accuracy, cross-validation, confusions.

Everything is measured with Rasa's own tools (`rasa train`, `rasa test nlu`)
on a model trained by the benchmark into a temporary folder, so the figures
belong to exactly the configuration and data in the working tree.
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bench.bots import RASA
from bench.progress import run_step
from bench.servers import rasa_environment

TRAIN_TIMEOUT_S = 900
TEST_TIMEOUT_S = 300
CV_TIMEOUT_S = 1800
TOP_CONFUSIONS = 8
# Left out of the cross-validation's pipeline: they pick the topic inside
# `faq`/`not_covered` (measured on the held-out file), not the intent.
TOPIC_COMPONENTS = (
    "clinic_nlu.classifiers.NumpyResponseSelector",
    "clinic_nlu.topic_fallback.TopicFallback",
)


def training_environment(root: Path) -> Dict[str, str]:
    """Rasa's environment with its training cache off.

    Rasa reuses components trained earlier from identical inputs (for
    instance by `make train`), which would make the training time meaningless.
    """
    return {**rasa_environment(root), "RASA_MAX_CACHE_SIZE": "0"}


@dataclass
class Quality:
    """The answer-quality figures of one configuration."""

    training_s: float
    intent_accuracy: float
    intent_macro_f1: float
    response_accuracy: float
    cv_folds: int
    cv_intent_macro_f1: float
    cv_intent_weighted_f1: float
    confusions: List[Tuple[str, str, int]]


def _report(path: Path) -> Dict[str, Any]:
    report: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def confusion_pairs(errors_path: Path) -> List[Tuple[str, str, int]]:
    """The most frequent (true intent, predicted intent, count) mistakes."""
    if not errors_path.exists():
        return []
    errors = json.loads(errors_path.read_text(encoding="utf-8"))
    pairs = Counter(
        (error["intent"], error["intent_prediction"]["name"]) for error in errors
    )
    return [
        (true, predicted, n)
        for (true, predicted), n in pairs.most_common(TOP_CONFUSIONS)
    ]


def train(root: Path, workdir: Path) -> Tuple[Path, float]:
    """Trains the full model (NLU and dialogue) from the working tree; its seconds."""
    seconds = run_step(
        "our assistant: rasa train",
        [
            RASA,
            "train",
            "--out",
            str(workdir),
            "--fixed-model-name",
            "bench",
            "--force",
        ],
        cwd=root,
        env=training_environment(root),
        log_path=workdir / "train.log",
        timeout_s=TRAIN_TIMEOUT_S,
    )
    return workdir / "bench.tar.gz", seconds


def intent_config(root: Path, workdir: Path) -> Path:
    """config.yml without the topic components, for the cross-validation.

    Training the ResponseSelector five more times would take about half of
    the cross-validation's time, and `make bench` must stay within 15 minutes.
    """
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [
        step for step in config["pipeline"] if step["name"] not in TOPIC_COMPONENTS
    ]
    path = workdir / "config-intents.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def measure(root: Path, workdir: Path, folds: int = 5) -> Tuple[Path, Quality]:
    """Trains, tests on the held-out file, cross-validates; returns the model too."""
    model, training_s = train(root, workdir)
    held_out = workdir / "nlu-test"
    run_step(
        "our assistant: rasa test nlu on tests/nlu_test.yml",
        [RASA, "test", "nlu", "--model", str(model), "--nlu", "tests/nlu_test.yml",
         "--out", str(held_out), "--no-plot"],
        cwd=root,
        env=training_environment(root),
        log_path=workdir / "test.log",
        timeout_s=TEST_TIMEOUT_S,
    )  # fmt: skip
    cross = workdir / "nlu-cv"
    run_step(
        f"our assistant: {folds}-fold cross-validation of intents on data/nlu",
        [RASA, "test", "nlu", "--nlu", "data/nlu",
         "--config", str(intent_config(root, workdir)),
         "--cross-validation", "--folds", str(folds), "--out", str(cross),
         "--no-plot"],
        cwd=root,
        env=training_environment(root),
        log_path=workdir / "cv.log",
        timeout_s=CV_TIMEOUT_S,
    )  # fmt: skip
    intents = _report(held_out / "intent_report.json")
    responses = _report(held_out / "response_selection_report.json")
    cv = _report(cross / "intent_report.json")
    return model, Quality(
        training_s=training_s,
        intent_accuracy=round(intents["accuracy"], 4),
        intent_macro_f1=round(intents["macro avg"]["f1-score"], 4),
        response_accuracy=round(responses["accuracy"], 4),
        cv_folds=folds,
        cv_intent_macro_f1=round(cv["macro avg"]["f1-score"], 4),
        cv_intent_weighted_f1=round(cv["weighted avg"]["f1-score"], 4),
        confusions=confusion_pairs(held_out / "intent_errors.json"),
    )
