"""Caps how long Rasa waits for the action server.

Rasa 3.6 waits up to 300 s for every custom action: the call passes the
module constant `rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`, and
neither endpoints.yml nor the command line can change it. A visitor cannot
wait that long, so the channel lowers that constant when Rasa loads it; the
value comes from the channel's section of credentials.yml.
"""

import rasa.core.actions.action

DEFAULT_ACTION_TIMEOUT_S = 10.0


def limit_action_calls(timeout_s: float) -> None:
    """Makes every later custom-action call give up after `timeout_s` seconds."""
    if timeout_s <= 0:
        raise ValueError(f"action timeout must be positive, got {timeout_s}")
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = timeout_s
