"""Long benchmark steps, run as subprocesses, with a line of progress while they run."""

import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Sequence

HEARTBEAT_S = 15.0


def say(message: str) -> None:
    """Progress goes to stderr, so that stdout carries only the final table."""
    print(message, file=sys.stderr, flush=True)


def run_step(
    label: str,
    command: Sequence[str],
    cwd: Path,
    env: Dict[str, str],
    log_path: Path,
    timeout_s: float,
) -> float:
    """Runs `command`, logging its output to `log_path`; returns its seconds.

    Prints the elapsed time every few seconds, and raises RuntimeError with the
    end of the log if the command fails or runs past `timeout_s`.
    """
    say(f"- {label}...")
    started = time.monotonic()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=log, stderr=log
        )
        while True:
            try:
                process.wait(timeout=HEARTBEAT_S)
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
            if elapsed > timeout_s:
                process.kill()
                process.wait()
                raise RuntimeError(f"{label} ran past {timeout_s:.0f} s")
            say(f"  {label}: {elapsed:.0f} s")
    elapsed = round(time.monotonic() - started, 1)
    if process.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"{label} failed (exit {process.returncode}):\n{tail}")
    say(f"  {label}: done in {elapsed:.0f} s")
    return elapsed
