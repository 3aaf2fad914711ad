"""One turn of a conversation at a time: in memory, or in Redis across workers."""

import asyncio
import logging
from typing import List, Tuple

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from clinic_rasa.lock_store import ConversationLockStore

pytestmark = pytest.mark.asyncio


async def _turn(
    store: ConversationLockStore, conversation: str, log: List[Tuple[str, str]]
) -> None:
    async with store.lock(conversation):
        log.append(("start", conversation))
        await asyncio.sleep(0.05)
        log.append(("end", conversation))


async def test_turns_of_one_conversation_never_overlap_across_workers(clean_redis):
    # Two stores with their own connections stand for two Sanic workers.
    workers = [ConversationLockStore(redis_url=clean_redis) for _ in range(2)]
    log: List[Tuple[str, str]] = []

    await asyncio.gather(*(_turn(workers[i % 2], "visitor", log) for i in range(4)))

    assert log == [("start", "visitor"), ("end", "visitor")] * 4


async def test_different_conversations_do_not_wait_for_each_other(clean_redis):
    store = ConversationLockStore(redis_url=clean_redis)
    log: List[Tuple[str, str]] = []

    await asyncio.gather(_turn(store, "a", log), _turn(store, "b", log))

    assert [step for step, _ in log] == ["start", "start", "end", "end"]


async def test_the_lock_is_released_when_the_turn_fails(clean_redis):
    store = ConversationLockStore(redis_url=clean_redis)

    with pytest.raises(RuntimeError):
        async with store.lock("visitor"):
            raise RuntimeError("the turn failed")

    await asyncio.wait_for(_turn(store, "visitor", []), timeout=2)


async def test_a_lock_that_outlived_its_lifetime_only_warns(clean_redis, caplog):
    store = ConversationLockStore(redis_url=clean_redis)

    with caplog.at_level(logging.WARNING):
        async with store.lock("visitor", lock_lifetime=0.05):
            await asyncio.sleep(0.2)

    assert "expired before its turn ended" in caplog.text


async def test_without_redis_the_lock_is_rasas_in_memory_one(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    store = ConversationLockStore()
    log: List[Tuple[str, str]] = []

    await asyncio.gather(_turn(store, "visitor", log), _turn(store, "visitor", log))

    assert log == [("start", "visitor"), ("end", "visitor")] * 2


async def test_several_workers_without_redis_are_refused(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")

    with pytest.raises(ValueError, match="REDIS_URL"):
        ConversationLockStore()


async def test_rasa_builds_it_from_endpoints_with_the_redis_url(clean_redis):
    config = EndpointConfig(
        url=clean_redis, type="clinic_rasa.lock_store.ConversationLockStore"
    )
    store = LockStore.create(config)
    probe = redis.Redis.from_url(clean_redis)

    async with store.lock("visitor"):
        held = probe.keys("clinic:conversation-lock:*")

    assert held == [b"clinic:conversation-lock:visitor"]
    assert probe.keys("clinic:conversation-lock:*") == []
