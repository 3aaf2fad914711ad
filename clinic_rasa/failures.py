"""Notices when an action failed during a visitor's turn.

Rasa catches a failing custom action (action server down, killed, too slow),
logs it from `rasa.core.processor` and carries on, so the visitor may get no
reply at all. The processor gives no other signal, so the channel listens to
that log record: a context variable, set per request, collects the failures
of the turn being handled (each request runs in its own asyncio task, whose
context the processor's code shares).
"""

import logging
from contextvars import ContextVar
from typing import List, Optional

PROCESSOR_LOGGER = "rasa.core.processor"

_failures: ContextVar[Optional[List[str]]] = ContextVar("turn_failures", default=None)


class _FailureHandler(logging.Handler):
    """Records error-level exceptions logged while a turn is watched."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _failures.get()
        if failures is not None and record.exc_info:
            failures.append(record.getMessage())


_handler = _FailureHandler(level=logging.ERROR)


def install() -> None:
    """Starts listening to the processor's log (idempotent)."""
    logger = logging.getLogger(PROCESSOR_LOGGER)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)


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
