"""Notices when a custom action failed during a visitor's turn.

Rasa catches a failing custom action (action server down, killed, too slow,
an invalid reply), logs it and carries on, so the visitor may get no reply
at all. The seam wraps `RemoteAction.run`, through which every custom action
and form validation is called: a failure is recorded, then raised on to Rasa
unchanged. A context variable, set per request by the channel, collects the
failures of the turn being handled (each request runs in its own asyncio
task, whose context the processor's code shares). A form's rejection of an
answer (`ActionExecutionRejection`) is the form working, not a failure.
"""

from contextvars import ContextVar
from typing import Any, Callable, Coroutine, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import Event

RunAction = Callable[..., Coroutine[Any, Any, List[Event]]]

_failures: ContextVar[Optional[List[str]]] = ContextVar("turn_failures", default=None)
_rasa_run: RunAction = RemoteAction.run


def record(failure: str) -> None:
    """Adds a failure to the turn being watched, if one is."""
    failures = _failures.get()
    if failures is not None:
        failures.append(failure)


async def run(action: RemoteAction, *arguments: Any, **keywords: Any) -> List[Event]:
    """`RemoteAction.run`, recording a failure before Rasa handles it."""
    try:
        return await _rasa_run(action, *arguments, **keywords)
    except ActionExecutionRejection:
        raise
    except Exception as error:
        record(f"custom action '{action.name()}' failed: {error}")
        raise


def install() -> None:
    """Makes every custom action call report its failure (idempotent)."""
    RemoteAction.run = run


class TurnWatch:
    """Collects the action failures of one turn: `with TurnWatch() as watch:`."""

    def __init__(self) -> None:
        """Starts with no failures."""
        self.failures: List[str] = []
        self._token: object = None

    def __enter__(self) -> "TurnWatch":
        """Makes this watch the current turn's."""
        self._token = _failures.set(self.failures)
        return self

    def __exit__(self, *_: object) -> None:
        """Stops collecting for this turn."""
        _failures.reset(self._token)  # type: ignore[arg-type]
