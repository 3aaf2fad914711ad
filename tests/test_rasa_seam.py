"""The Rasa seam: it refuses a Rasa it was not written for, and Rasa still calls it.

Contract tests: each patched member is exercised through Rasa's own code on
the trained model or against the real action server, so a Rasa upgrade that
stops calling a member fails here rather than silently in production. The
last test starts `python -m clinic_rasa shell`, README's terminal chat.
"""

import asyncio
import inspect
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, AsyncIterator, Iterator, List, Tuple

import pytest
import pytest_asyncio
import rasa.core.actions.action as rasa_actions
import sanic.server.runners as sanic_runners
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import clinic_rasa
from clinic_rasa import (
    IncompatibleRasa,
    SeamSettings,
    action_call,
    compatibility,
    empty_domain,
    failures,
    parse_cache,
    rule_lookup,
)
from cluster.processes import free_port
from tests.support.live_log import eventually
from tests.support.servers import STARTUP_TIMEOUT_S, trained_model, wait_until_up

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = SeamSettings(action_timeout_s=10, parse_cache_size=100)
FROZEN = re.compile(r"(\d+) objects frozen out of garbage collection")


@pytest_asyncio.fixture
async def seam(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Lets a test install the seam; Rasa's own members come back afterwards."""
    for owner, member in (
        (MessageProcessor, "_parse_message_with_graph"),
        (RemoteAction, "_validate_action_result"),
        (RemoteAction, "run"),
        (RemoteAction, "_action_call_format"),
        (EndpointConfig, "session"),
        (rasa_actions, "DEFAULT_REQUEST_TIMEOUT"),
        (Event, "resolve_by_type"),
        (DaskGraphRunner, "run"),
        (Domain, "is_empty"),
        (RulePolicy, "_get_possible_keys"),
        (sanic_runners, "bind_socket"),
        (clinic_rasa, "_installed"),
    ):
        monkeypatch.setattr(owner, member, inspect.getattr_static(owner, member))
    yield
    await action_call.close_sessions()


@pytest.fixture(scope="module")
def action_server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the action server keeps its database, journal and output."""
    return tmp_path_factory.mktemp("seam")


@pytest.fixture(scope="module")
def action_server(action_server_folder: Path) -> Iterator[str]:
    """The real action server on a free loopback port; its webhook URL."""
    folder = action_server_folder
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{folder / 'clinic.db'}",
        "CLINIC_JOURNAL_DIR": str(folder / "journal"),
        "SANIC_HOST": "127.0.0.1",
        "LOG_LEVEL": "INFO",
    }
    with open(folder / "actions.log", "wb") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "rasa"), "run", "actions",
             "--port", str(port), "--actions", "actions"],
            cwd=ROOT, env=environment, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/health", server, STARTUP_TIMEOUT_S)
            yield f"http://127.0.0.1:{port}/webhook"
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_this_rasa_is_the_one_the_seam_was_written_for() -> None:
    assert compatibility.problems() == []


def test_a_changed_member_or_version_is_refused_before_anything_changes(
    seam: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def renamed(self: Any, message: Any) -> None:
        """A Rasa whose parse method lost two parameters."""

    monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph", renamed)
    real_version = metadata.version
    monkeypatch.setattr(
        metadata,
        "version",
        lambda name: "3.7.0" if name == "rasa" else real_version(name),
    )
    timeout_before = rasa_actions.DEFAULT_REQUEST_TIMEOUT

    with pytest.raises(IncompatibleRasa) as refused:
        clinic_rasa.install(SETTINGS)

    assert "rasa is 3.7.0; the seam was written for 3.6.21" in str(refused.value)
    assert "MessageProcessor._parse_message_with_graph takes" in str(refused.value)
    assert timeout_before == rasa_actions.DEFAULT_REQUEST_TIMEOUT
    assert MessageProcessor._parse_message_with_graph is renamed
    assert clinic_rasa.installed() is None


@pytest.fixture(scope="module")
def agent() -> Agent:
    """The trained model, its action server a loopback port where nothing listens."""
    closed = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
    return Agent.load(str(trained_model(ROOT)), action_endpoint=closed)


@pytest.mark.asyncio
async def test_rasa_parses_through_the_cache(seam: None, agent: Agent) -> None:
    clinic_rasa.install(SETTINGS)

    first = await agent.parse_message("how long does kyphoplasty take")
    second = await agent.parse_message("how long does kyphoplasty take")

    cache = parse_cache.cache_of(agent.processor)
    assert cache is not None and (cache.misses, cache.hits) == (1, 1)
    assert first == second


@pytest.mark.asyncio
async def test_rasa_still_reports_a_failed_action_where_the_watch_listens(
    seam: None, agent: Agent
) -> None:
    clinic_rasa.install(SETTINGS)

    with failures.TurnWatch() as watch:
        await agent.handle_text("how long does kyphoplasty take", sender_id="seam")

    assert watch.failures
    assert all("action_" in failure for failure in watch.failures)


def record_calls(
    monkeypatch: pytest.MonkeyPatch, owner: Any, member: str
) -> Tuple[Any, List[Tuple[Any, ...]]]:
    """Wraps `owner.member` as installed now: that member, and each call's arguments."""
    installed = getattr(owner, member)
    calls: List[Tuple[Any, ...]] = []

    def recording(*arguments: Any) -> Any:
        calls.append(arguments)
        return installed(*arguments)

    monkeypatch.setattr(owner, member, recording)
    return installed, calls


@pytest.mark.asyncio
async def test_rasa_checks_its_domain_without_building_an_empty_one_each_time(
    seam: None, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic_rasa.install(SETTINGS)
    installed, checked = record_calls(monkeypatch, Domain, "is_empty")
    _, built = record_calls(monkeypatch, Domain, "from_dict")

    for text in ("is the stay overnight", "what does the cement do", "hi there"):
        await agent.parse_message(text)

    assert installed is empty_domain.is_empty
    assert len(checked) == 3, "Rasa no longer checks its domain at each reading"
    assert len(built) <= 1, "an empty domain was built for more than one check"
    assert not agent.domain.is_empty() and Domain.empty().is_empty()


@pytest.mark.asyncio
async def test_rasa_predicts_the_next_action_through_the_rule_index(
    seam: None, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic_rasa.install(SETTINGS)
    installed, searched = record_calls(monkeypatch, RulePolicy, "_get_possible_keys")
    assert agent.processor is not None
    tracker = DialogueStateTracker.from_events(
        "seam-rules",
        [ActionExecuted("action_listen"),
         UserUttered("hi", {"name": "greet", "confidence": 0.99}, message_id="m1")],
    )  # fmt: skip

    prediction = agent.processor.predict_next_with_tracker(tracker)

    assert installed is rule_lookup.possible_keys
    assert searched, "RulePolicy no longer searches its rules through this method"
    assert prediction is not None and prediction["policy"].endswith("RulePolicy")


def visitor_turn(text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "seam-visitor",
        [UserUttered(text, {"name": "greet", "confidence": 0.9}, message_id="m1")],
    )


@pytest.mark.asyncio
async def test_rasa_checks_each_action_reply_through_the_reused_validator(
    seam: None, action_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic_rasa.install(SETTINGS)
    installed, checked = record_calls(
        monkeypatch, RemoteAction, "_validate_action_result"
    )
    domain = Domain.load(str(ROOT / "domain.yml"))
    action = RemoteAction("action_log_exchange", EndpointConfig(action_server))

    events = await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(domain.responses),
        visitor_turn("hello"),
        domain,
    )

    recording = RemoteAction._validate_action_result
    assert installed is not recording and len(checked) == 1
    assert isinstance(events, list)


@pytest.mark.asyncio
async def test_rasa_sends_this_turns_events_on_one_kept_connection(seam: None) -> None:
    clinic_rasa.install(SETTINGS)
    bodies: List[dict] = []
    peers = set()

    async def webhook(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        peers.add(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", free_port())
    await site.start()
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events(
        "seam-turns",
        [
            UserUttered("hello", {"name": "greet", "confidence": 0.9}),
            ActionExecuted("utter_greet"),
            BotUttered("Hi!"),
            ActionExecuted("action_listen"),
            UserUttered("thanks", {"name": "thank", "confidence": 0.9}),
        ],
    )
    action = RemoteAction("action_log_exchange", EndpointConfig(site.name + "/webhook"))
    try:
        for _ in range(2):
            await action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator(domain.responses),
                tracker,
                domain,
            )
    finally:
        await runner.cleanup()

    sent = [[event["event"] for event in body["tracker"]["events"]] for body in bodies]
    assert sent == [["user"], ["user"]]
    assert bodies[0]["tracker"]["latest_message"]["text"] == "thanks"
    assert len(peers) == 1


@pytest.mark.asyncio
async def test_rasa_gives_up_on_a_silent_action_server_at_the_cap(seam: None) -> None:
    clinic_rasa.install(SeamSettings(action_timeout_s=0.5, parse_cache_size=0))
    domain = Domain.load(str(ROOT / "domain.yml"))
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/webhook"
        action = RemoteAction("action_log_exchange", EndpointConfig(url))
        call = asyncio.ensure_future(
            action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator(domain.responses),
                visitor_turn("hello"),
                domain,
            )
        )
        # Without the cap Rasa would wait 300 s; the bound here is generous.
        done, _ = await asyncio.wait({call}, timeout=60)
    assert call in done, "Rasa ignored the action timeout"
    assert call.exception() is not None


def test_the_action_server_freezes_what_it_loaded_through_rasa_sdks_plugin_hook(
    action_server: str, action_server_folder: Path
) -> None:
    log = action_server_folder / "actions.log"

    output = eventually(
        lambda: log.read_text("utf-8", "replace"),
        lambda text: FROZEN.search(text) is not None,
        30,
    )

    found = FROZEN.search(output)
    assert found is not None, output
    # Everything the server loaded, not a handful: the freeze ran after loading.
    assert int(found.group(1)) > 50_000


def test_the_terminal_chat_runs_with_the_seam_installed(
    action_server: str, tmp_path: Path
) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "{action_server}"\n', "utf-8")
    controller, terminal = pty.openpty()
    shell = subprocess.Popen(
        [sys.executable, "-m", "clinic_rasa", "shell", "--model",
         str(trained_model(ROOT)), "--port", str(free_port()),
         "--endpoints", str(endpoints)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT),
             "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}"},
        stdin=terminal, stdout=terminal, stderr=terminal,
    )  # fmt: skip
    os.close(terminal)
    seen = b""

    def read_until(wanted: bytes, timeout_s: float = 180) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout_s
        while wanted not in seen:
            left = deadline - time.monotonic()
            assert left > 0 and shell.poll() is None, seen.decode(errors="replace")
            ready, _, _ = select.select([controller], [], [], min(left, 1))
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:
                    break

    try:
        read_until(b"Your input ->")
        os.write(controller, b"how long does kyphoplasty take\r")
        read_until(b"per damaged vertebra")
    finally:
        shell.terminate()
        shell.wait(timeout=30)
        os.close(controller)
    assert b"clinic_rasa: Rasa 3.6.21 checked; action calls capped at 10 s" in seen
