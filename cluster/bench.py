"""`python -m cluster.bench`: the benchmark against one and two Rasa servers.

Starts the loopback cluster with one Rasa server, then with two (two action
servers both times, nginx in front both times, so only the number of Rasa
servers changes), runs `bench.load` at each load level against nginx, and
prints a Markdown table for docs/deploy.md. Figures from a shared machine are
noisy: run it on an idle one.
"""

import argparse
import asyncio
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from bench.load import LoadResult, run_load
from cluster.topology import Cluster, ClusterSettings

DEFAULT_LEVELS = (1, 10, 20)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Load levels and sizes; the model defaults to $MODEL, set by make."""
    parser = argparse.ArgumentParser(prog="python -m cluster.bench")
    parser.add_argument("--model", type=Path, default=os.environ.get("MODEL"))
    parser.add_argument("--visitors", type=int, nargs="+", default=list(DEFAULT_LEVELS))
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--turns", type=int, default=4)
    args = parser.parse_args(argv)
    if args.model is None or not args.model.is_file():
        parser.error("no trained model: pass --model or run through make")
    if min(args.visitors) < 1 or args.conversations < 1 or args.turns < 1:
        parser.error("visitors, conversations and turns must be at least 1")
    return args


def row(servers: int, result: LoadResult) -> str:
    """One Markdown table row."""
    return (
        f"| {servers} | {result.visitors} | {result.messages} | {result.errors} | "
        f"{result.messages_per_s:.1f} | {result.p50_ms:.0f} | {result.p95_ms:.0f} |"
    )


def measure(args: argparse.Namespace, servers: int) -> List[LoadResult]:
    """Every load level against a fresh cluster of `servers` Rasa servers."""
    settings = ClusterSettings(
        model=args.model, rasa_servers=servers, action_servers=2, dashboard=False
    )
    results = []
    with Cluster(settings, progress=lambda line: print(line, file=sys.stderr)) as c:
        for visitors in args.visitors:
            result = asyncio.run(
                run_load(
                    c.url,
                    visitors,
                    turns=args.turns,
                    conversations=args.conversations,
                    quiet=True,
                )
            )
            print(row(servers, result), file=sys.stderr, flush=True)
            results.append(result)
    return results


def main(argv: Optional[List[str]] = None) -> int:
    """Prints the table; 1 if any message failed."""
    args = parse_args(argv)
    runs = [(servers, measure(args, servers)) for servers in (1, 2)]
    when = datetime.now(timezone.utc)
    print(f"Measured {when:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs.\n")
    print(
        "| Rasa servers | visitors | messages | errors | messages/s | p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for servers, results in runs:
        print("\n".join(row(servers, result) for result in results))
    failed = any(result.errors for _, results in runs for result in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
