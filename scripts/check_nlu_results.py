"""Fails the build when NLU accuracy on the held-out test file drops too low.

`rasa test nlu` reports but never fails; this reads its reports and turns the
figures into an exit code, printing the misclassified examples for whoever has
to fix the training data.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

REPORTS = {
    "intent": ("intent_report.json", "intent_errors.json"),
    "topic (response selection)": (
        "response_selection_report.json",
        "response_selection_errors.json",
    ),
}


def load_json(path: Path) -> Any:
    """Reads one of Rasa's JSON reports."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def describe_errors(errors: List[Dict[str, Any]]) -> List[str]:
    """Turns Rasa's error records into readable one-line summaries."""
    lines = []
    for error in errors:
        expected = error.get("intent_response_key_target") or error.get("intent")
        predicted = error.get("intent_response_key_prediction") or error.get(
            "intent_prediction"
        )
        if isinstance(predicted, dict):
            predicted = (
                f"{predicted.get('name')} ({predicted.get('confidence', 0):.2f})"
            )
        lines.append(f"  {error.get('text')!r}: expected {expected}, got {predicted}")
    return lines


def main(argv: List[str]) -> int:
    """Checks each report against the minimum accuracy; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path, help="the --out folder of rasa test nlu")
    parser.add_argument("--min-accuracy", type=float, required=True)
    args = parser.parse_args(argv)

    passed = True
    for label, (report_name, errors_name) in REPORTS.items():
        report_path = args.results / report_name
        if not report_path.exists():
            print(f"missing {report_path}: did rasa test nlu run?")
            return 2
        accuracy = float(load_json(report_path)["accuracy"])
        errors_path = args.results / errors_name
        errors = load_json(errors_path) if errors_path.exists() else []
        verdict = "ok" if accuracy >= args.min_accuracy else "TOO LOW"
        print(
            f"{label} accuracy: {accuracy:.3f} "
            f"(minimum {args.min_accuracy:.2f}) {verdict}"
        )
        print("\n".join(describe_errors(errors)))
        passed = passed and accuracy >= args.min_accuracy
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
