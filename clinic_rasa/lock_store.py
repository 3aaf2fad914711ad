"""The conversation lock: one turn of a conversation at a time, across processes.

Rasa takes a lock per conversation around every turn, so that two messages of
one visitor never read and write the same history at once. In one process
Rasa's in-memory lock store does it. Several Sanic workers need a shared one,
and Rasa's Redis lock store talks to Redis with the blocking client from the
event loop (five to six round trips a turn, each stalling every other
visitor of that worker while the CPU is busy elsewhere) and updates its ticket
queue with unguarded read-modify-write. This store uses redis-py's asyncio
lock instead: one atomic SET NX to take it, one Lua script to release it, and
nothing blocks the loop.

    lock_store:
      type: clinic_rasa.lock_store.ConversationLockStore

With a Redis URL (`url:` in the endpoint, else the REDIS_URL variable; e.g.
`unix:///path/redis.sock` or `redis://:password@127.0.0.1:6379/1`) the lock
lives in Redis; without one, in memory, and then Rasa must run a single
worker (start-up fails otherwise).
"""

import logging
import os
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional

from rasa.constants import DEFAULT_SANIC_WORKERS, ENV_SANIC_WORKERS
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError
from rasa.utils.endpoints import EndpointConfig
from redis import asyncio as redis_asyncio
from redis.exceptions import LockError as RedisLockError
from redis.exceptions import LockNotOwnedError

logger = logging.getLogger(__name__)

ENV_REDIS_URL = "REDIS_URL"
KEY_PREFIX = "clinic:conversation-lock:"
# Seconds between attempts while another turn of the same conversation runs.
RETRY_INTERVAL_S = 0.01


class ConversationLockStore(InMemoryLockStore):
    """Conversation locks in Redis when `REDIS_URL` is set, else in memory."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        redis_url: Optional[str] = None,
    ) -> None:
        """Connects lazily to `redis_url`, the endpoint's `url` or REDIS_URL.

        Refuses to start without Redis when several Sanic workers are asked
        for, since their in-memory locks would not see each other.
        """
        super().__init__()
        url = (
            redis_url
            or (endpoint_config.url if endpoint_config else None)
            or os.environ.get(ENV_REDIS_URL, "").strip()
        )
        self._redis = redis_asyncio.Redis.from_url(url) if url else None
        workers = os.environ.get(ENV_SANIC_WORKERS, str(DEFAULT_SANIC_WORKERS))
        if self._redis is None and workers.strip() != str(DEFAULT_SANIC_WORKERS):
            raise ValueError(
                f"{ENV_SANIC_WORKERS}={workers} needs a shared lock store: set "
                f"{ENV_REDIS_URL} (`make run` starts Redis when RASA_WORKERS > 1)"
            )

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation's lock for the block; the lock expires after
        `lock_lifetime` seconds if its holder dies. Raises Rasa's LockError if
        it cannot be had within that time."""
        if self._redis is None:
            async with super().lock(
                conversation_id, lock_lifetime, wait_time_in_seconds
            ) as ticket_lock:
                yield ticket_lock
            return
        redis_lock = self._redis.lock(
            KEY_PREFIX + conversation_id,
            timeout=lock_lifetime,
            sleep=RETRY_INTERVAL_S,
            blocking_timeout=lock_lifetime,
            thread_local=False,
        )
        if not await redis_lock.acquire():
            raise LockError(f"Could not acquire lock for '{conversation_id}'.")
        try:
            yield TicketLock(conversation_id)
        finally:
            await self._release(redis_lock)

    @staticmethod
    async def _release(redis_lock: redis_asyncio.lock.Lock) -> None:
        """Releases the lock; one that already expired is only worth a warning."""
        try:
            await redis_lock.release()
        except (LockNotOwnedError, RedisLockError):
            logger.warning("a conversation lock expired before its turn ended")
