"""The action server's rasa-sdk plugin: its loaded objects kept out of full GCs.

rasa-sdk imports this package by name (`rasa_sdk.plugin`) when the action
server starts and calls `init_hooks`. The action server holds every custom
action call of every Rasa worker; a full garbage collection of what it loaded
(the actions, SQLAlchemy, rasa-sdk) stalled all of them for 124 ms under
load. Once it serves, it freezes those objects out of collections, as the
Rasa workers do (`clinic_rasa.worker_gc`).
"""

from typing import Any

import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


async def _freeze_after_start(app: Sanic, loop: Any) -> None:
    from clinic_rasa import worker_gc

    worker_gc.freeze_loaded_objects()


class FreezeLoadedObjects:
    """Registers the freeze to run once the action server is serving."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        """rasa-sdk's hook for listeners, routes and middleware."""
        app.register_listener(_freeze_after_start, "after_server_start")


def init_hooks(manager: pluggy.PluginManager) -> None:
    """rasa-sdk's entry point: registers this package's hook implementations."""
    manager.register(FreezeLoadedObjects())
