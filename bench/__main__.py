"""`python -m bench` (`make bench`): our quality and speed next to a stock Rasa bot.

Steps, each printing progress to stderr: train and test the assistant from the
working tree (answer quality, training time); start it and load its REST
webhook at each level of concurrent visitors with messages it has not seen
(bench/first_seen.py), then with a realistic mix and with repeated questions;
generate a stock `rasa init` bot in a temporary folder and load it with the
same messages. Prints the table on stdout and
writes it with the JSON and a chart under bench/results/.
"""

import argparse
import asyncio
import functools
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import yaml

from bench import bots, first_seen, honesty, quality, report
from bench.load import run_load
from bench.progress import say
from bench.servers import RunningBot

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 20, 100)
# The level of the mix and repeated-question rows.
MIX_LEVEL = 20
TURNS = 4
# Each level sends at least this many messages, in rounds of fresh
# conversations, so that every percentile rests on enough samples (p95 of
# 240 is the 12th slowest, not the 8th of 160).
MIN_MESSAGES = 240


def machine() -> Dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    cores = os.cpu_count() or 1
    return {
        "description": f"{cores} cores ({cpu}), {memory_kb / 1024**2:.0f} GB RAM",
        "cores": cores,
        "load_at_start": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def _load(
    bot: RunningBot,
    args: argparse.Namespace,
    visitors: int,
    messages: Optional[Callable[[int], List[str]]] = None,
) -> Dict[str, Any]:
    """One load level of at least `args.min_messages` messages, with the CPU
    it cost the servers and the load client (this process) per message."""
    rounds = max(1, -(-args.min_messages // (visitors * args.turns)))
    server_cpu_s, client_cpu_s = bot.cpu_s(), time.process_time()
    result = asyncio.run(
        run_load(
            bot.url, visitors, turns=args.turns, conversations=rounds, messages=messages
        )
    )
    sent = max(result.messages, 1)
    return {
        **asdict(result),
        "server_cpu_ms": round(1000 * (bot.cpu_s() - server_cpu_s) / sent, 2),
        "client_cpu_ms": round(1000 * (time.process_time() - client_cpu_s) / sent, 2),
    }


def measure_speed(bot: RunningBot, args: argparse.Namespace) -> Dict[str, Any]:
    """A running bot under load: first-seen messages at each level (the headline),
    then at 20 visitors a realistic mix and the same nine questions repeated
    (nearly all NLU-cache hits); cold start, and memory after all of it.

    Every bot gets the same messages: the same pool in the same order, and no
    new text is sent twice to one bot process.
    """
    pool = first_seen.Messages(
        first_seen.question_pool(),
        repeating=[*first_seen.button_payloads(), *first_seen.GREETINGS_AND_THANKS],
    )
    levels = [_load(bot, args, visitors, pool.conversation) for visitors in args.levels]
    mix = functools.partial(
        pool.conversation, repeating_share=first_seen.MIX_REPEATING_SHARE
    )
    figures: Dict[str, Any] = {"levels": levels}
    if MIX_LEVEL in args.levels:
        figures["mix"] = [_load(bot, args, MIX_LEVEL, mix)]
        figures["repeated"] = [_load(bot, args, MIX_LEVEL)]
    say(f"  {pool.sent_new} distinct new messages sent")
    memory = bot.memory_mb()
    return {
        **figures,
        "cold_start_s": bot.cold_start_s,
        "rss_mb": memory["rss"],
        "pss_mb": memory["pss"],
    }


def measure_honesty(bot: RunningBot) -> Dict[str, Any]:
    """Each blind set's outcomes (answered, wrong subject, 911…), follow-ups too."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    figures = {}
    for path in honesty.QUESTION_SETS:
        say(f"  honest answers: asking the blind visitor questions of {path.name}...")
        figures[path.stem] = asdict(honesty.measure(bot.url, domain, path))
    say(f"  honest answers: playing the blind dialogues of {honesty.DIALOGUES.name}...")
    dialogues = honesty.measure_dialogues(bot.url, domain, honesty.DIALOGUES)
    figures[honesty.DIALOGUES.stem] = asdict(dialogues)
    return figures


def run_bot(
    label: str,
    start: Callable[[], RunningBot],
    args: argparse.Namespace,
    with_honesty: bool = False,
) -> Dict[str, Any]:
    """Starts a bot with `start()`, measures it and always stops it."""
    say(f"- {label}: starting (cold start is timed)...")
    bot = start()
    say(f"  {label}: first answer after {bot.cold_start_s} s")
    try:
        figures = measure_speed(bot, args)
        if with_honesty:
            figures["honesty"] = measure_honesty(bot)
        return figures
    finally:
        bot.stop()


def measure_stock(workdir: Path, args: argparse.Namespace) -> Dict[str, Any]:
    """Generates the stock bot in `workdir`, then measures it like ours."""
    workdir.mkdir()
    training_s = bots.create_stock_bot(ROOT, workdir)
    stock = run_bot("stock bot", lambda: bots.start_stock_bot(ROOT, workdir), args)
    return {**stock, "training_s": training_s}


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line of `python -m bench`."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--levels",
        type=lambda text: [int(n) for n in text.split(",")],
        default=list(LEVELS),
        help="comma-separated numbers of concurrent visitors (default 1,20,100)",
    )
    parser.add_argument("--turns", type=int, default=TURNS)
    parser.add_argument(
        "--min-messages",
        type=int,
        default=MIN_MESSAGES,
        help="messages per level at least (in rounds of fresh conversations)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="load this trained model instead of training one (skips quality)",
    )
    parser.add_argument("--no-stock", action="store_true", help="skip the stock bot")
    parser.add_argument(
        "--no-honesty",
        action="store_true",
        help="skip asking the blind visitor questions (about a minute per set)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if min(args.levels) < 1 or args.turns < 1 or args.min_messages < 1:
        parser.error("levels, turns and messages must be at least 1")
    if args.model is not None and not args.model.is_file():
        parser.error(f"no model file at {args.model}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the whole benchmark; prints the table and where the files went."""
    args = parse_args(argv)
    started = time.monotonic()
    results: Dict[str, Any] = {
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "quality": None,
        "bots": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        workdir = Path(scratch)
        model = args.model
        training_s = None
        if model is None:
            model, measured = quality.measure(ROOT, workdir)
            results["quality"] = asdict(measured)
            training_s = measured.training_s
        ours = run_bot(
            "our assistant",
            lambda: bots.start_assistant(ROOT, model, workdir),
            args,
            with_honesty=not args.no_honesty,
        )
        results["bots"]["ours"] = {**ours, "training_s": training_s}
        if not args.no_stock:
            try:
                results["bots"]["stock"] = measure_stock(workdir / "stock", args)
            except RuntimeError as error:
                say(f"  stock bot failed; the table goes without it: {error}")
                results["stock_error"] = str(error).splitlines()[0]
    results["ratios"] = report.ratios(
        results["bots"]["ours"], results["bots"].get("stock")
    )
    results["duration_s"] = round(time.monotonic() - started, 1)
    paths = report.write(results, args.out)
    print(report.markdown(results))
    say(
        f"\nBenchmark took {results['duration_s'] / 60:.1f} min; wrote "
        + ", ".join(str(p) for p in paths.values())
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        sys.exit(1)
