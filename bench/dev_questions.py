"""Asks a development question set and shows what the assistant missed.

    python -m bench.dev_questions [--model models/X.tar.gz] [tests/dev/...yml]

tests/dev/ holds question sets and dialogues written like the blind ones
(from the page and the topic list only) but meant to be read: their misses
show where the training data is thin. Fix a miss with new phrasings of your
own, never the missed text. The blind sets (tests/blind/) judge the result
and must stay unread, so this tool refuses them; `make bench` reports their
rates only.
"""

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bench import bots, honesty

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "dev"


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line; a blind set is refused here, before anything starts."""
    parser = argparse.ArgumentParser(prog="python -m bench.dev_questions")
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--model", type=Path, help="default: the newest in models/")
    parser.add_argument("--misses", type=Path, help="write the misses here as JSON")
    args = parser.parse_args(argv)
    args.sets = [path.resolve() for path in args.sets] or sorted(DEV.glob("*.yml"))
    blind = [path for path in args.sets if honesty.BLIND in path.parents]
    if blind:
        parser.error(f"{blind[0]} is a blind set: its texts must stay unread")
    if args.model is None:
        models = sorted(
            (ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime
        )
        if not models:
            parser.error("no trained model in models/: run `make train`")
        args.model = models[-1]
    return args


def _measure(url: str, domain: Dict[str, Any], path: Path) -> honesty.Honesty:
    """A question set, or a set of dialogues (scored on their later turns)."""
    if "dialogues" in yaml.safe_load(path.read_text("utf-8")):
        return honesty.measure_dialogues(url, domain, path)
    return honesty.measure(url, domain, path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Prints each set's rates and its misses (text, accepted outcomes, outcome)."""
    args = parse_args(argv)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    misses: List[Dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="dev-questions-") as scratch:
        print(f"Starting the assistant with {args.model.name}...", flush=True)
        bot = bots.start_assistant(ROOT, args.model, Path(scratch))
        try:
            for path in args.sets:
                print(f"Asking {path.name}...", flush=True)
                result = asdict(_measure(bot.url, domain, path))
                misses += result.pop("misses")
                rates = {
                    key: value if isinstance(value, int) else f"{value:.1%}"
                    for key, value in result.items()
                }
                print(f"{path.name}: {rates}")
        finally:
            bot.stop()
    for miss in misses:
        print(f"  {'/'.join(miss['accept'])} -> {miss['got']}: {miss['text']}")
    if args.misses:
        args.misses.write_text(json.dumps(misses, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
