"""Per-key token buckets: a visitor or an address may send so many messages a minute.

In memory, per Rasa process: enough for one server, and cheap. With several
Rasa processes behind a proxy, each keeps its own buckets, so the proxy
(nginx `limit_req`) enforces the per-address limit for the cluster.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Dict

# Idle buckets are forgotten once this many keys are held, so memory stays bounded.
MAX_KEYS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows `per_minute` messages per key, in bursts of up to `per_minute`."""

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`clock` is injectable so tests need not wait for a minute."""
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self._capacity = float(per_minute)
        self._refill_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: Dict[str, _Bucket] = {}

    def allow(self, key: str) -> bool:
        """Takes one token from `key`'s bucket; False when it is empty."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(self._capacity, now)
        bucket.tokens = min(
            self._capacity, bucket.tokens + (now - bucket.updated) * self._refill_per_s
        )
        bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def retry_after_s(self, key: str) -> int:
        """Whole seconds until `key` may send again (at least 1)."""
        bucket = self._buckets.get(key)
        missing = 1.0 - (bucket.tokens if bucket else self._capacity)
        return max(1, int(missing / self._refill_per_s + 0.999))

    def _forget_idle(self, now: float) -> None:
        """Drops buckets that have refilled completely, once too many are held."""
        if len(self._buckets) < MAX_KEYS:
            return
        full_after_s = self._capacity / self._refill_per_s
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if now - bucket.updated < full_after_s
        }
