"""Everything that hooks into Rasa's internals, in one owned place.

    lock_store, tracker_store   classes endpoints.yml names (Rasa builds them)
    action_timeout              caps Rasa's 300 s wait for the action server
    action_validation           checks action replies with a validator built once
    event_types                 finds stored events' classes in a table
    graph_runner                runs the model's graph without dask scheduling
    rule_lookup                 tries only the rules that can fit the latest state
    parse_cache                 keeps the NLU reading of recently seen texts
    worker_signals              lets a starting Sanic worker stop on SIGTERM
    worker_sockets              gives each Sanic worker a listening socket
    failures                    notices failed custom-action calls per turn
    action_call                 sends this turn's events on a kept connection
    empty_domain                checks for an empty domain without building one
    worker_gc                   keeps a worker's loaded model out of full GCs
                                (the channel calls it once the server starts)

`install()` checks that this Rasa is the one the patches were written for
(`compatibility`) and applies the eleven global ones. It is called by the
launcher (`python -m clinic_rasa run|shell|test ...`), so every way of
starting Rasa behaves alike; the REST channel calls `ensure_installed()` as a
safety net for a bare `rasa run`. Imports stay inside the functions: the
action server imports `clinic_rasa.lock_store`'s neighbours without Rasa.
"""

import logging
from dataclasses import dataclass
from typing import Optional

logger = logging.getLogger(__name__)


class IncompatibleRasa(RuntimeError):
    """This Rasa differs from the one the seam was written for."""


@dataclass(frozen=True)
class SeamSettings:
    """What the patches take from credentials.yml's channel section."""

    action_timeout_s: float
    parse_cache_size: int


_installed: Optional[SeamSettings] = None


def install(settings: SeamSettings) -> str:
    """Checks Rasa, then applies every patch; a line saying what was installed.

    Raises IncompatibleRasa (listing each difference) before changing anything.
    """
    global _installed
    from clinic_rasa import (
        action_call,
        action_timeout,
        action_validation,
        compatibility,
        empty_domain,
        event_types,
        failures,
        graph_runner,
        parse_cache,
        rule_lookup,
        worker_signals,
        worker_sockets,
    )

    found = compatibility.problems()
    if found:
        raise IncompatibleRasa(
            "the Rasa seam (clinic_rasa) does not fit this installation: "
            + "; ".join(found)
        )
    action_timeout.limit_action_calls(settings.action_timeout_s)
    action_validation.install()
    event_types.install()
    graph_runner.install()
    rule_lookup.install()
    parse_cache.install(settings.parse_cache_size)
    worker_signals.install()
    worker_sockets.install()
    failures.install()
    action_call.install()
    empty_domain.install()
    _installed = settings
    summary = (
        f"clinic_rasa: Rasa {compatibility.VERSIONS['rasa']} checked; action calls "
        f"capped at {settings.action_timeout_s:g} s, NLU readings of "
        f"{settings.parse_cache_size} recent texts kept, action replies validated "
        "by one validator, event types looked up in a table, the graph run in "
        "a fixed order, rules looked up by the latest state, failed actions "
        "watched, action calls of this turn's events on a kept connection, "
        "SIGTERM reset in workers, a listening socket per worker, the empty "
        "domain built once"
    )
    logger.info(summary)
    return summary


def installed() -> Optional[SeamSettings]:
    """The settings the seam was installed with in this process, if it was."""
    return _installed


def ensure_installed(settings: SeamSettings) -> None:
    """Installs the seam unless the launcher already did (a bare `rasa run`)."""
    if _installed is None:
        logger.warning(
            "Rasa was started without `python -m clinic_rasa`; installing the "
            "seam from the channel"
        )
        install(settings)
