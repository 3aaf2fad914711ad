"""A process forked after install() (a Sanic worker) ends on SIGTERM while starting."""

import os
import signal
import time

from clinic_rasa import worker_signals


def test_a_forked_child_ends_on_sigterm_despite_its_parents_handler() -> None:
    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # like Sanic's relay
    try:
        worker_signals.install()
        child = os.fork()
        if child == 0:  # a worker still loading the model: it waits, handling nothing
            time.sleep(30)
            os._exit(0)
        time.sleep(0.2)
        os.kill(child, signal.SIGTERM)
        _, status = os.waitpid(child, 0)
        parents_handler = signal.getsignal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    assert parents_handler is not signal.SIG_DFL  # the parent keeps its own
