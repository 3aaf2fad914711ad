"""The benchmark's results: one dict, shown as Markdown tables, JSON and a PNG chart."""

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server
import matplotlib.pyplot as plt

Results = Dict[str, Any]

# What each bot was sent, by results key: the headline first.
WORKLOADS = (
    ("levels", "first-seen"),
    ("mix", "mix: 30 % buttons, greetings, thanks"),
    ("repeated", "9 questions repeated"),
)
# The targets for this assistant on a 2-core machine.
TARGET_RATIO_AT_20 = 3.0
TARGET_P95_AT_20_MS = 250.0
TARGET_COLD_START_S = 15.0
TARGET_TRAINING_S = 180.0
TARGET_INTENT_ACCURACY = 0.97
TARGET_TOTAL_MEMORY_MB = 1536.0


def level(bot: Optional[Dict[str, Any]], visitors: int) -> Optional[Dict[str, Any]]:
    """The load figures of `bot` at `visitors` concurrent visitors, if measured."""
    for figures in (bot or {}).get("levels", []):
        if figures["visitors"] == visitors:
            return dict(figures)
    return None


def ratios(ours: Dict[str, Any], stock: Optional[Dict[str, Any]]) -> Dict[str, float]:
    """Ours divided by stock, per level, for throughput and p95 latency."""
    result: Dict[str, float] = {}
    for figures in ours["levels"]:
        reference = level(stock, figures["visitors"])
        if reference and reference["messages_per_s"] and reference["p95_ms"]:
            n = figures["visitors"]
            result[f"messages_per_s@{n}"] = round(
                figures["messages_per_s"] / reference["messages_per_s"], 2
            )
            result[f"p95_ms@{n}"] = round(figures["p95_ms"] / reference["p95_ms"], 2)
    return result


def targets(results: Results) -> List[Tuple[str, Any, Optional[bool]]]:
    """Each target of the issue: what it asks, what was measured, and if it is met."""
    ours = results["bots"]["ours"]
    quality = results.get("quality") or {}
    rows: List[Tuple[str, Any, Callable[[Any], bool]]] = [
        (
            "msg/s at 20 visitors, first-seen, >= 3x stock",
            results["ratios"].get("messages_per_s@20"),
            lambda ratio: ratio >= TARGET_RATIO_AT_20,
        ),
        (
            "p95 at 20 visitors, first-seen, <= 250 ms",
            (level(ours, 20) or {}).get("p95_ms"),
            lambda p95: p95 <= TARGET_P95_AT_20_MS,
        ),
        (
            "no errors at 100 visitors",
            (level(ours, 100) or {}).get("errors"),
            lambda errors: errors == 0,
        ),
        (
            "cold start <= 15 s",
            ours.get("cold_start_s"),
            lambda seconds: seconds <= TARGET_COLD_START_S,
        ),
        (
            "memory (PSS) of everything `make run` starts <= 1.5 GB",
            (ours.get("pss_mb") or {}).get("total"),
            lambda megabytes: megabytes <= TARGET_TOTAL_MEMORY_MB,
        ),
        (
            "full training <= 3 min",
            ours.get("training_s"),
            lambda seconds: seconds <= TARGET_TRAINING_S,
        ),
        (
            "held-out intent accuracy >= 97%",
            quality.get("intent_accuracy"),
            lambda accuracy: accuracy >= TARGET_INTENT_ACCURACY,
        ),
    ]
    return [
        (name, "not measured", None) if value is None else (name, value, passes(value))
        for name, value, passes in rows
    ]


def _shown(bot: Optional[Dict[str, Any]], key: str) -> str:
    value = (bot or {}).get(key)
    return "-" if value is None else str(value)


def _cpu_quotient(figures: Dict[str, Any]) -> str:
    """The servers' CPU per message over the load client's: steadier than
    latency on a host whose speed moves, since the client's code never changes."""
    server, client = figures.get("server_cpu_ms"), figures.get("client_cpu_ms")
    return f"{server / client:.1f}" if server is not None and client else "-"


def _mark(ok: Optional[bool]) -> str:
    return {True: "yes", False: "NO", None: "-"}[ok]


def markdown(results: Results) -> str:
    """The whole result as Markdown tables (printed, and pasted into README)."""
    ours, stock = results["bots"]["ours"], results["bots"].get("stock")
    named = [(n, b) for n, b in results["bots"].items() if n != "stock"]
    lines = [
        f"Measured {results['measured_at']} on {results['machine']['description']}"
        f" (load average at start {results['machine']['load_at_start']}).",
        *(
            [f"The stock bot failed: {results['stock_error']}"]
            if results.get("stock_error")
            else []
        ),
        "",
        "| bot | messages | visitors | sent | msg/s | p50 ms | p95 ms | p99 ms "
        "| errors | server CPU ms/msg | / client's |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, bot in [*named, ("stock rasa init", stock)]:
        for key, kind in WORKLOADS:
            for figures in (bot or {}).get(key, []):
                lines.append(
                    f"| {name} | {kind} | {figures['visitors']} | "
                    f"{figures['messages']} | {figures['messages_per_s']} | "
                    f"{figures['p50_ms']} | {figures['p95_ms']} | "
                    f"{figures['p99_ms']} | {figures['errors']} | "
                    f"{_shown(figures, 'server_cpu_ms')} | {_cpu_quotient(figures)} |"
                )
    lines += ["", "| | ours | stock | ours / stock |", "|---|---:|---:|---:|"]
    for figures in ours["levels"]:
        n = figures["visitors"]
        reference = level(stock, n) or {}
        for key, label in (("messages_per_s", "msg/s"), ("p95_ms", "p95 ms")):
            lines.append(
                f"| {label} at {n} | {figures[key]} | {reference.get(key, '-')} | "
                f"{results['ratios'].get(f'{key}@{n}', '-')} |"
            )
    for key, label in (("cold_start_s", "cold start s"), ("training_s", "training s")):
        lines.append(f"| {label} | {_shown(ours, key)} | {_shown(stock, key)} | |")
    for key, kind in (("rss_mb", "RSS"), ("pss_mb", "PSS")):
        stock_memory = (stock or {}).get(key, {})
        for process, megabytes in ours.get(key, {}).items():
            lines.append(
                f"| {kind} MB after the run, {process} | {megabytes} | "
                f"{stock_memory.get(process, '-')} | |"
            )
    quality = results.get("quality")
    if quality:
        folds = quality["cv_folds"]
        rows = [
            ("held-out intent accuracy", quality["intent_accuracy"]),
            ("held-out intent macro-F1", quality["intent_macro_f1"]),
            ("held-out response selection accuracy", quality["response_accuracy"]),
            (f"{folds}-fold CV intent macro-F1", quality["cv_intent_macro_f1"]),
            (f"{folds}-fold CV intent weighted F1", quality["cv_intent_weighted_f1"]),
            (
                "confusions (true -> predicted)",
                ", ".join(f"{t} -> {p} ({n})" for t, p, n in quality["confusions"])
                or "none",
            ),
        ]
        lines += ["", "| answer quality | |", "|---|---:|"]
        lines += [f"| {label} | {value} |" for label, value in rows]
    lines += honesty_lines(ours.get("honesty"))
    lines += ["", "| target | measured | met |", "|---|---:|---|"]
    lines += [f"| {t} | {m} | {_mark(ok)} |" for t, m, ok in targets(results)]
    return "\n".join(lines)


HONESTY_ROWS = (
    ("answered correctly", "answered_correctly"),
    ("safe and honest (correct, or the honest deferral)", "safe_and_honest"),
    ("confident answer on the wrong subject", "confident_wrong"),
    ('"did you mean…?"', "clarification"),
    ("emergency reply alone, not an emergency", "false_911"),
    ("911 line before the answer", "caution_line"),
)
FAR_ROWS = (
    ("answered correctly, far from every training phrasing", "far_answered_correctly"),
    ("wrong subject, far from every training phrasing", "far_confident_wrong"),
)


def honesty_lines(sets: Optional[Dict[str, Dict[str, Any]]]) -> List[str]:
    """Each blind visitor set's outcomes, as one Markdown table.

    Two rows follow for the questions far from every training phrasing
    (bench/honesty.py, `far_from_training`), the fairest measure of questions
    never seen; a dialogue set has none.
    """
    if not sets:
        return []
    names = list(sets)
    lines = [
        "",
        "| blind visitor questions | "
        + " | ".join(f"{name} ({sets[name]['questions']})" for name in names)
        + " |",
        "|---|" + "---:|" * len(names),
    ]
    lines += [
        f"| {label} | " + " | ".join(f"{sets[name][key]:.1%}" for name in names) + " |"
        for label, key in HONESTY_ROWS
    ]
    for label, key in FAR_ROWS:
        cells = " | ".join(_far_cell(sets[name], key) for name in names)
        lines.append(f"| {label} | {cells} |")
    return lines


def _far_cell(figures: Dict[str, Any], key: str) -> str:
    """A rate over the questions far from training, with how many there were."""
    count = figures.get("far_questions", 0)
    return f"{figures[key]:.1%} of {count}" if count else "-"


def chart(results: Results, path: Path) -> None:
    """Throughput and p95 latency of both bots per load level, side by side."""
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(10, 4))
    bots = [(n, b) for n, b in results["bots"].items() if b and b.get("levels")]
    width = 0.8 / max(1, len(bots))
    ticks = [f["visitors"] for f in results["bots"]["ours"]["levels"]]
    for index, (name, bot) in enumerate(bots):
        positions = [ticks.index(f["visitors"]) + index * width for f in bot["levels"]]
        throughput.bar(
            positions, [f["messages_per_s"] for f in bot["levels"]], width, label=name
        )
        latency.bar(positions, [f["p95_ms"] for f in bot["levels"]], width, label=name)
    for axes, title in (
        (throughput, "messages per second"),
        (latency, "p95 latency (ms)"),
    ):
        axes.set_xticks([i + width * (len(bots) - 1) / 2 for i in range(len(ticks))])
        axes.set_xticklabels([str(visitors) for visitors in ticks])
        axes.set_xlabel("concurrent visitors")
        axes.set_title(title)
        axes.legend()
    figure.suptitle(f"REST webhook, {results['machine']['description']}", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write(results: Results, directory: Path) -> Dict[str, Path]:
    """Writes the JSON, the Markdown table and the chart; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / "bench.json",
        "markdown": directory / "bench.md",
        "chart": directory / "bench.png",
    }
    paths["json"].write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(results) + "\n", encoding="utf-8")
    chart(results, paths["chart"])
    return paths
