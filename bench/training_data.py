"""The NLU phrasings of a Rasa YAML file, by intent.

The benchmark keeps training phrasings out of its first-seen pool, and the
tests keep them out of the held-out sets; both read the files this one way.
"""

from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent


def read_examples(path: Path) -> Dict[str, List[str]]:
    """Reads a Rasa NLU YAML file into {intent: [example, ...]}."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: Dict[str, List[str]] = {}
    for block in document.get("nlu", []):
        lines = block["examples"].splitlines()
        texts = [line.strip()[2:].strip() for line in lines if line.strip()]
        examples.setdefault(block["intent"], []).extend(texts)
    return examples


def training_examples(root: Path = ROOT) -> Dict[str, List[str]]:
    """Every training phrasing under data/nlu/, by intent."""
    merged: Dict[str, List[str]] = {}
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for intent, texts in read_examples(path).items():
            merged.setdefault(intent, []).extend(texts)
    return merged
