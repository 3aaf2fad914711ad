"""Per-key token buckets: a visitor or an address may send so many messages a minute.

`RateLimiter` keeps them in memory: enough for one Rasa process, and cheap.
Several Sanic workers of one server share theirs in Redis
(`SharedRateLimiter`, when REDIS_URL is set), so a visitor gets the same
allowance whichever worker answers. Several servers behind a proxy also have
the proxy's own per-address limit (nginx `limit_req`).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Dict, Optional, Protocol

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

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

    async def take(self, key: str) -> Optional[int]:
        """None if `key` may send now, else the seconds until it may."""
        return None if self.allow(key) else self.retry_after_s(key)

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


class Limiter(Protocol):
    """What the channel asks of a rate limiter."""

    async def take(self, key: str) -> Optional[int]:
        """None if `key` may send now, else the seconds until it may."""


# The same bucket as RateLimiter's, read and updated in one atomic step on
# Redis's clock. KEYS[1]: the bucket; ARGV: capacity, tokens added per second.
# Returns 0 when a token was taken, else the whole seconds until one is there.
_TAKE_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + (now - updated) * refill)
local wait = 0
if tokens < 1 then
  wait = math.max(1, math.ceil((1 - tokens) / refill))
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / refill) + 1)
return wait
"""


class SharedRateLimiter:
    """RateLimiter's buckets in Redis, shared by every worker that uses `redis`.

    A bucket expires once it would be full again, so Redis holds only the
    keys of the last minute. If Redis fails, messages pass (the turn itself
    then reports the fault) rather than every visitor being refused.
    """

    def __init__(
        self, per_minute: int, redis: redis_asyncio.Redis, namespace: str
    ) -> None:
        """Buckets of `per_minute` tokens under keys `clinic:rate:<namespace>:`."""
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self._capacity = per_minute
        self._refill_per_s = per_minute / 60.0
        self._prefix = f"clinic:rate:{namespace}:"
        self._script = redis.register_script(_TAKE_SCRIPT)

    async def take(self, key: str) -> Optional[int]:
        """None if `key` may send now, else the seconds until it may."""
        try:
            wait = await self._script(
                keys=[self._prefix + key], args=[self._capacity, self._refill_per_s]
            )
        except RedisError as error:
            logger.warning("rate limit not checked: %s", type(error).__name__)
            return None
        return int(wait) or None
