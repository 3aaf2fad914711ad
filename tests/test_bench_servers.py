"""The benchmark's CPU accounting of a server and its workers (no timings)."""

import os
import signal
import subprocess
import sys

import pytest

from bench import report
from bench.servers import tree_cpu_s

pytestmark = pytest.mark.unit

# A parent that forks a worker; each burns 0.3 s of CPU, says so, then waits.
BURNING_PARENT_AND_WORKER = """
import os, time
os.fork()
while time.process_time() < 0.3:
    pass
print("burnt", flush=True)
time.sleep(30)
"""


def test_a_servers_cpu_counts_its_workers() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", BURNING_PARENT_AND_WORKER],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        assert [server.stdout.readline() for _ in range(2)] == [b"burnt\n"] * 2

        used = tree_cpu_s(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the worker too
        server.wait()

    assert used >= 0.55  # both; /proc counts in ticks of 10 ms, rounding down


def test_the_table_divides_the_servers_cpu_by_the_clients() -> None:
    figures = {
        "visitors": 20, "messages": 240, "messages_per_s": 100.0, "p50_ms": 90.0,
        "p95_ms": 180.0, "p99_ms": 200.0, "errors": 0,
        "server_cpu_ms": 14.0, "client_cpu_ms": 0.7,
    }  # fmt: skip
    results = {
        "measured_at": "2026-01-01 00:00 UTC",
        "machine": {"description": "2 cores", "load_at_start": "0.1 0.1 0.1"},
        "bots": {"ours": {"levels": [figures], "rss_mb": {"total": 1}}},
        "ratios": {},
        "quality": None,
    }

    table = report.markdown(results)

    row = "| ours | first-seen | 20 | 240 | 100.0 | 90.0 | 180.0 | 200.0 | 0 |"
    assert f"{row} 14.0 | 20.0 |" in table
