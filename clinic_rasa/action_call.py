"""Makes a custom-action call cheaper: this turn's events, on a kept connection.

Rasa 3.6 sends the action server every event since the conversation began,
so a call grows with each turn (about 3 kB a visitor message: the NLU
reading and both rankings), and it opens a new HTTP session, and so a new
TCP connection, for every call. This project's actions read only the turn
they run in: the visitor's latest message and what followed it
(actions/exchange_log.py, actions/callback_form.py), besides the slots, the
latest message and the active loop, which the tracker state carries apart
from its events. So a call carries the events from the latest user message
on (all of them before the first message), and each endpoint keeps one
client session per event loop. Its idle connections are dropped after
`KEEP_ALIVE_S`, before the action server (Sanic: 5 s) closes them, so a
connection the server is closing is never reused.
"""

import asyncio
from typing import Any, Dict, List, Tuple

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEP_ALIVE_S = 4.0
_rasa_call_format = RemoteAction._action_call_format


def this_turn(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events from the latest user message on; all of them if there is none."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index:]
    return events


def call_format(
    action: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """Rasa's action-call body, with only this turn's events."""
    body: Dict[str, Any] = _rasa_call_format(action, tracker, domain)
    state = body["tracker"]
    state["events"] = this_turn(state["events"])
    return body


class _Lent:
    """`async with` lends the kept session and leaves it open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: object) -> None:
        return None


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """A session configured as Rasa's `EndpointConfig.session` makes one."""
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(
            endpoint.basic_auth["username"], endpoint.basic_auth["password"]
        )
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_S),
    )


_kept: List[
    Tuple[EndpointConfig, asyncio.AbstractEventLoop, aiohttp.ClientSession]
] = []


def kept_session(endpoint: EndpointConfig) -> _Lent:
    """The endpoint's session for the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    for owner, owner_loop, session in _kept:
        if owner is endpoint and owner_loop is loop and not session.closed:
            return _Lent(session)
    session = _new_session(endpoint)
    _kept.append((endpoint, loop, session))
    return _Lent(session)


async def close_sessions() -> None:
    """Closes the kept sessions of the running loop (a worker stopping)."""
    loop = asyncio.get_running_loop()
    for entry in [entry for entry in _kept if entry[1] is loop]:
        _kept.remove(entry)
        await entry[2].close()


def install() -> None:
    """Makes every action call carry this turn only, on a kept session."""
    RemoteAction._action_call_format = call_format
    EndpointConfig.session = kept_session
