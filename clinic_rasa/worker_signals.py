"""Lets a Sanic worker that is still starting be stopped by SIGTERM.

With several workers, Sanic 21.12's main process sets a SIGTERM handler that
forwards the signal to the workers it forked before, and then forks the next
worker, which inherits that handler. A worker installs its own SIGTERM handler
only once its `before_server_start` listeners are done, and Rasa loads the
model there (about 15 s). A SIGTERM in between, e.g. `make run` stopped
right after it came up, runs the inherited handler instead: the worker
forwards the signal to its siblings, carries on starting and then serves on
for ever, an orphan holding the port. After a fork, each child gets the
default SIGTERM action back, so a starting worker simply ends; a started one
stops gracefully through Sanic's own handler, as before.
"""

import os
import signal

_installed = False


def _default_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def install() -> None:
    """Resets SIGTERM to its default in every process forked after this call."""
    global _installed
    if not _installed:
        os.register_at_fork(after_in_child=_default_sigterm)
        _installed = True
