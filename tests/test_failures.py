"""Noticing failed actions per turn, through Rasa's processor log."""

import asyncio
import logging

import pytest

from clinic_rasa import failures
from clinic_rasa.action_timeout import limit_action_calls

processor_log = logging.getLogger(failures.PROCESSOR_LOGGER)


def fail_an_action() -> None:
    try:
        raise ConnectionError("action server down")
    except ConnectionError:
        processor_log.exception("Encountered an exception while running action 'x'.")


@pytest.mark.asyncio
async def test_a_failure_inside_the_turn_is_seen_even_from_a_child_task():
    failures.install()
    failures.install()  # idempotent

    async def turn() -> None:
        await asyncio.sleep(0)
        fail_an_action()

    with failures.TurnWatch() as watch:
        await asyncio.wait_for(turn(), timeout=5)

    assert watch.failures == ["Encountered an exception while running action 'x'."]
    assert processor_log.handlers.count(failures._handler) == 1


@pytest.mark.asyncio
async def test_errors_outside_a_turn_or_without_exception_are_not_counted():
    failures.install()
    fail_an_action()  # no turn is being watched

    with failures.TurnWatch() as watch:
        processor_log.error("an error without an exception")

    assert watch.failures == []


@pytest.mark.asyncio
async def test_concurrent_turns_keep_their_failures_apart():
    failures.install()

    async def turn(fails: bool) -> list:
        with failures.TurnWatch() as watch:
            await asyncio.sleep(0.01)
            if fails:
                fail_an_action()
            await asyncio.sleep(0.01)
        return watch.failures

    failing, fine = await asyncio.gather(turn(True), turn(False))

    assert len(failing) == 1
    assert fine == []


@pytest.mark.parametrize("seconds", [0, -1])
def test_an_action_timeout_that_would_never_answer_is_refused(seconds):
    # That Rasa obeys the cap is shown in tests/test_rasa_seam.py.
    with pytest.raises(ValueError):
        limit_action_calls(seconds)
