"""A real Redis server for the tests, started as clinic_launch/run.py starts it."""

import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 10.0


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a throwaway Redis on a Unix socket (scripts/run_lock_redis.sh)."""
    socket = tmp_path_factory.mktemp("redis") / "redis.sock"
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "run_lock_redis.sh"), str(socket)]
    )
    url = f"unix://{socket}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.exceptions.ConnectionError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("Redis did not start (ensure_redis.sh?)") from error
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    """The same server, emptied before the test."""
    redis.Redis.from_url(redis_url).flushall()
    return redis_url
