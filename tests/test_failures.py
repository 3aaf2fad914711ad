"""Noticing failed custom actions per turn, at the call Rasa makes for each."""

import asyncio
from typing import Any, Iterator, List

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from clinic_rasa import failures
from clinic_rasa.action_timeout import limit_action_calls
from cluster.processes import free_port


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The failure watch on Rasa's custom-action call; Rasa's comes back after."""
    monkeypatch.setattr(RemoteAction, "run", failures._rasa_run)
    failures.install()
    failures.install()  # idempotent
    yield


async def call_unreachable_action(name: str = "action_answer") -> None:
    """What Rasa's processor does: run a custom action (its server is down)."""
    action = RemoteAction(
        name, EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
    )
    await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator({}),
        DialogueStateTracker("visitor", []),
        Domain.empty(),
    )


@pytest.mark.asyncio
async def test_a_failure_inside_the_turn_is_seen_even_from_a_child_task(
    installed: None,
) -> None:
    assert RemoteAction.run is failures.run

    with failures.TurnWatch() as watch, pytest.raises(RasaException):
        await asyncio.wait_for(call_unreachable_action(), timeout=10)

    assert len(watch.failures) == 1
    assert "custom action 'action_answer' failed" in watch.failures[0]


@pytest.mark.asyncio
async def test_a_failure_outside_a_turn_still_reaches_rasa(installed: None) -> None:
    with pytest.raises(RasaException):
        await call_unreachable_action()


@pytest.mark.asyncio
async def test_a_form_rejecting_an_answer_is_not_a_failure(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def rejecting(*_: Any, **__: Any) -> List[Event]:
        raise ActionExecutionRejection("validate_callback_form", "not a number")

    monkeypatch.setattr(failures, "_rasa_run", rejecting)

    with failures.TurnWatch() as watch, pytest.raises(ActionExecutionRejection):
        await call_unreachable_action("validate_callback_form")

    assert watch.failures == []


@pytest.mark.asyncio
async def test_concurrent_turns_keep_their_failures_apart(installed: None) -> None:
    async def turn(fails: bool) -> List[str]:
        with failures.TurnWatch() as watch:
            await asyncio.sleep(0.01)
            if fails:
                with pytest.raises(RasaException):
                    await call_unreachable_action()
            await asyncio.sleep(0.01)
        return watch.failures

    failing, fine = await asyncio.gather(turn(True), turn(False))

    assert len(failing) == 1
    assert fine == []


@pytest.mark.parametrize("seconds", [0, -1])
def test_an_action_timeout_that_would_never_answer_is_refused(seconds: float) -> None:
    # That Rasa obeys the cap is shown in tests/test_rasa_seam.py.
    with pytest.raises(ValueError):
        limit_action_calls(seconds)
