"""Starting the servers under test, timing their cold start and reading their memory.

Both bots are started the same way: processes launched together, the clock
runs until the REST webhook gives its first answer (cold start), and memory is
read from /proc for each process with all its children: the resident set (RSS)
and the proportional set (PSS). Sanic's workers are forked from Rasa's main
process and share its pages, which RSS counts once per process; PSS divides
each shared page among its sharers, so its total is what the machine holds.
"""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Dict, List, Mapping, Optional, Sequence

from clinic_launch import RASA_ENVIRONMENT
from cluster.processes import child_pids

FIRST_ANSWER_TIMEOUT_S = 240.0


def _descendants(pid: int) -> List[int]:
    """`pid` and every process below it, parents before children."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending += child_pids(current)
    return found


def tree_memory_mb(pid: int) -> Dict[str, float]:
    """RSS and PSS of a process and all its descendants, in MB."""
    totals_kb = {"rss": 0, "pss": 0}
    for current in _descendants(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            field, _, value = line.partition(":")
            if field in ("Rss", "Pss"):
                totals_kb[field.lower()] += int(value.split()[0])
    return {kind: round(kb / 1024, 1) for kind, kb in totals_kb.items()}


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its descendants.

    The benchmark divides the servers' CPU per message by the load client's:
    the same client code in every run, so the quotient follows the code, not
    the host's speed, which moves by two times within minutes here.
    """
    ticks = 0
    for current in _descendants(pid):
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def answers(url: str, message: str, timeout_s: float = 10.0) -> bool:
    """True if the REST webhook at `url` answers `message` with HTTP 200."""
    request = urllib.request.Request(
        url.rstrip("/") + "/webhooks/rest/webhook",
        data=json.dumps({"sender": "bench-probe", "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass
class RunningBot:
    """A bot under test: its processes (Rasa server first) and where it listens."""

    url: str
    processes: Dict[str, "subprocess.Popen[bytes]"]
    log_path: Path
    log: Optional[IO[bytes]] = field(default=None, repr=False)
    cold_start_s: float = 0.0

    def memory_mb(self) -> Dict[str, Dict[str, float]]:
        """RSS and PSS of each server process (with its workers), and the totals."""
        per_process = {
            name: tree_memory_mb(p.pid) for name, p in self.processes.items()
        }
        figures: Dict[str, Dict[str, float]] = {}
        for kind in ("rss", "pss"):
            figures[kind] = {name: m[kind] for name, m in per_process.items()}
            figures[kind]["total"] = round(sum(figures[kind].values()), 1)
        return figures

    def cpu_s(self) -> float:
        """CPU seconds used so far by every server process and its workers."""
        return sum(tree_cpu_s(p.pid) for p in self.processes.values())

    def stop(self) -> None:
        """Stops every process, and kills the ones that do not stop in time."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.log is not None:
            self.log.close()


def start_bot(
    commands: Mapping[str, Sequence[str]],
    url: str,
    probe_message: str,
    cwd: Path,
    env: Dict[str, str],
    log_path: Path,
) -> RunningBot:
    """Launches `commands` together and waits for the first answer at `url`.

    The cold start is the time from launch until that first answer. Raises
    RuntimeError (with the log's tail) if a process dies or no answer comes.
    """
    log = open(log_path, "wb")  # noqa: SIM115 - closed when the processes end
    started = time.monotonic()
    bot = RunningBot(
        url=url,
        processes={
            name: subprocess.Popen(
                list(command), cwd=cwd, env=env, stdout=log, stderr=log
            )
            for name, command in commands.items()
        },
        log_path=log_path,
        log=log,
    )
    deadline = started + FIRST_ANSWER_TIMEOUT_S
    while time.monotonic() < deadline:
        dead = [n for n, p in bot.processes.items() if p.poll() is not None]
        if dead:
            bot.stop()
            raise RuntimeError(f"{dead} exited early; log:\n{_tail(log_path)}")
        if answers(url, probe_message):
            bot.cold_start_s = round(time.monotonic() - started, 1)
            return bot
        time.sleep(0.25)
    bot.stop()
    raise RuntimeError(f"no answer from {url} in time; log:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def rasa_environment(root: Path) -> Dict[str, str]:
    """The environment Rasa runs in here: offline, quiet, our packages importable."""
    return {**os.environ, "PYTHONPATH": str(root), **RASA_ENVIRONMENT}
