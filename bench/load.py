"""Load generator for a Rasa REST webhook: concurrent visitors, each a fresh chat.

Every visitor gets a new sender id and sends its turns one after the other,
waiting for each answer, the way a person in the chat widget does; visitors run
concurrently. The figures (latency percentiles, messages per second, errors)
are what the benchmark reports, and `python -m bench.load` gives the same
figures for any server that is already running.
"""

import argparse
import asyncio
import ipaddress
import itertools
import json
import math
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import aiohttp

# What visitors say. Each visitor starts at a different point of its script's
# question list, so that concurrent visitors do not all send the same text.
SCRIPTS: Dict[str, Tuple[str, ...]] = {
    "clinic": (
        "hello",
        "what exactly is kyphoplasty",
        "how long does the procedure take",
        "when can I go back to normal activities",
        "who is a good candidate for it",
        "is there a balloon involved",
        "how much does it cost",
        "does my insurance cover this",
        "thanks, that helps",
    ),
    # The stock `rasa init` bot only knows greetings and moods.
    "stock": (
        "hello",
        "I am feeling sad",
        "yes",
        "I am great",
        "are you a bot?",
        "no",
        "goodbye",
    ),
}
DEFAULT_TURNS = 4
DEFAULT_TIMEOUT_S = 30.0


@dataclass
class LoadResult:
    """The figures of one load level."""

    visitors: int
    conversations: int
    turns: int
    messages: int
    errors: int
    error_kinds: Dict[str, int]
    empty_replies: int
    duration_s: float
    messages_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values (0 if there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def conversation(script: Sequence[str], start: int, turns: int) -> List[str]:
    """The messages of one conversation: the greeting, then questions in turn."""
    questions = script[1:] or script
    return [script[0]] + [
        questions[(start + index) % len(questions)] for index in range(turns - 1)
    ]


@dataclass
class _Tally:
    latencies_ms: List[float] = field(default_factory=list)
    error_kinds: "Counter[str]" = field(default_factory=Counter)
    empty_replies: int = 0


async def _send(
    session: aiohttp.ClientSession, webhook: str, sender: str, text: str, tally: _Tally
) -> None:
    started = time.perf_counter()
    replies: Any = None
    try:
        async with session.post(
            webhook, json={"sender": sender, "message": text}
        ) as response:
            kind = f"HTTP {response.status}"
            if response.status == 200:
                kind = "not a JSON list"
                replies = json.loads(await response.read())
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        kind = type(error).__name__
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)
    if not isinstance(replies, list):
        tally.error_kinds[kind] += 1
    elif not replies:
        tally.empty_replies += 1


def client_addresses(url: str) -> Iterator[Optional[str]]:
    """Where each conversation connects from: its own loopback address if possible.

    Real visitors come from many addresses, and the assistant limits messages
    per client address; so against a loopback server every conversation gets
    an address of its own in 127.0.0.0/8 (random start, so that repeated runs
    do not inherit each other's budgets). Other servers see this host's address.
    """
    host = urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).version == 4 and host.startswith("127.")
    except ValueError:
        loopback = False
    if not loopback:
        yield from itertools.repeat(None)
        return
    for n in itertools.count(random.randrange(1 << 22)):
        yield f"127.{(n >> 14) % 254 + 1}.{(n >> 7) % 128 + 1}.{n % 128 + 1}"


async def _visitor(
    webhook: str,
    conversations: List[List[str]],
    addresses: Iterator[Optional[str]],
    timeout: aiohttp.ClientTimeout,
    tally: _Tally,
    progress: "_Progress",
) -> None:
    """One visitor's conversations, each a new sender on a new connection."""
    for messages in conversations:
        address = next(addresses)
        connector = aiohttp.TCPConnector(local_addr=(address, 0) if address else None)
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout
        ) as session:
            sender = f"bench-{uuid.uuid4().hex}"
            for text in messages:
                await _send(session, webhook, sender, text, tally)
                progress.tick()


class _Progress:
    """Counts finished messages; prints the count at most every few seconds."""

    def __init__(self, total: int, label: str, quiet: bool) -> None:
        self.total, self.label, self.quiet = total, label, quiet
        self.done, self.last_print = 0, time.monotonic()
        # A terminal gets one line updated in place, a log file a line per update.
        self.interval_s, self.end = (1.0, "\r") if sys.stderr.isatty() else (5.0, "\n")

    def tick(self) -> None:
        self.done += 1
        now = time.monotonic()
        finished = self.done == self.total
        if not self.quiet and (finished or now - self.last_print >= self.interval_s):
            self.last_print = now
            print(
                f"  {self.label}: {self.done}/{self.total} messages",
                end="\n" if finished else self.end,
                file=sys.stderr,
                flush=True,
            )


async def run_load(
    url: str,
    visitors: int,
    turns: int = DEFAULT_TURNS,
    conversations: int = 1,
    script: str = "clinic",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    quiet: bool = False,
    messages: Optional[Callable[[int], List[str]]] = None,
) -> LoadResult:
    """Runs `visitors` concurrent visitors against the server at `url`.

    Each visitor holds `conversations` fresh conversations one after the other,
    each of `turns` messages: from `script`, or, given `messages`, what it
    returns for `turns` (bench/first_seen.py: texts sent once). A message counts
    as an error when the request fails, times out, or does not get HTTP 200
    with a JSON list of replies.
    """
    if visitors < 1 or turns < 1 or conversations < 1:
        raise ValueError("visitors, turns and conversations must be at least 1")
    if script not in SCRIPTS:
        raise ValueError(f"unknown script {script!r}; choose from {sorted(SCRIPTS)}")
    lines = SCRIPTS[script]
    webhook = url.rstrip("/") + "/webhooks/rest/webhook"
    tally = _Tally()
    total = visitors * conversations * turns
    progress = _Progress(total, f"{visitors} visitor(s)", quiet)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    addresses = client_addresses(url)
    started = time.perf_counter()
    planned = [
        [
            messages(turns)
            if messages
            else conversation(lines, visitor + round_ * visitors, turns)
            for round_ in range(conversations)
        ]
        for visitor in range(visitors)
    ]
    await asyncio.gather(
        *(
            _visitor(webhook, plan, addresses, timeout, tally, progress)
            for plan in planned
        )
    )
    duration = time.perf_counter() - started
    latencies = sorted(tally.latencies_ms)
    return LoadResult(
        visitors=visitors,
        conversations=visitors * conversations,
        turns=turns,
        messages=total,
        errors=sum(tally.error_kinds.values()),
        error_kinds=dict(tally.error_kinds),
        empty_replies=tally.empty_replies,
        duration_s=round(duration, 3),
        messages_per_s=round(total / duration, 2),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(latencies[-1], 1),
    )


def format_result(result: LoadResult) -> str:
    """One readable line per load level."""
    return (
        f"{result.visitors:>4} visitors  {result.messages:>5} msgs  "
        f"{result.messages_per_s:>7.1f} msg/s  p50 {result.p50_ms:>7.1f} ms  "
        f"p95 {result.p95_ms:>7.1f} ms  p99 {result.p99_ms:>7.1f} ms  "
        f"errors {result.errors} {result.error_kinds or ''}  "
        f"empty {result.empty_replies}"
    )


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command line of `python -m bench.load`."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Measure a running Rasa server's REST webhook under load.",
    )
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:5005")
    parser.add_argument("--visitors", type=int, required=True)
    parser.add_argument("--turns", type=int, default=DEFAULT_TURNS)
    parser.add_argument(
        "--conversations", type=int, default=1, help="per visitor, one after another"
    )
    parser.add_argument("--script", choices=sorted(SCRIPTS), default="clinic")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs one load level and prints its figures; exit 1 if any message failed."""
    args = parse_args(argv)
    try:
        result = asyncio.run(
            run_load(
                args.url,
                args.visitors,
                turns=args.turns,
                conversations=args.conversations,
                script=args.script,
                timeout_s=args.timeout,
                quiet=args.json,
            )
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(result)) if args.json else format_result(result))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
