"""The nginx template: every placeholder filled, nginx accepts it, and a
Rasa server taken out of it gets no more requests."""

import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import List

import pytest

from cluster.nginx import NGINX, render, start_nginx, upstream_lines
from cluster.processes import child_pids, free_port, wait_for_http

VALUES = {
    "PUBLIC_PORT": "18080",
    "ACTIONS_PORT": "18081",
    "RASA_SERVERS": upstream_lines([15005, 15006]),
    "ACTION_SERVERS": upstream_lines([15055, 15056]),
    "ADDRESS_RATE": "120",
}


def test_rendered_config_passes_nginx_syntax_check(tmp_path: Path) -> None:
    config = tmp_path / "nginx.conf"
    config.write_text(render({**VALUES, "PREFIX": str(tmp_path)}), encoding="utf-8")
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()

    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(config),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "server 127.0.0.1:15006 max_fails=1" in config.read_text(encoding="utf-8")


def test_a_missing_value_is_an_error_not_a_broken_config() -> None:
    with pytest.raises(ValueError, match="@PREFIX@"):
        render(VALUES)


class _PortEcho(BaseHTTPRequestHandler):
    """Answers every GET with the port it listens on."""

    def do_GET(self) -> None:
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Quiet: the test reads the answers, not a log."""


@pytest.fixture
def two_upstreams() -> Iterator[List[int]]:
    """Two loopback HTTP servers standing in for the Rasa servers."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _PortEcho) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [int(server.server_address[1]) for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_server_taken_out_gets_no_more_requests(
    tmp_path: Path, two_upstreams: List[int]
) -> None:
    nginx = start_nginx(
        tmp_path / "nginx",
        public_port=free_port(),
        actions_port=free_port(),
        rasa_ports=two_upstreams,
        action_ports=[free_port()],
        address_rate_per_minute=100_000,
        log_dir=tmp_path,
    )
    health = f"http://127.0.0.1:{nginx.values['PUBLIC_PORT']}/health"
    try:
        wait_for_http(health, nginx.service, 20)
        before = {_answer(health) for _ in range(6)}
        workers_before = set(child_pids(nginx.service.process.pid))

        nginx.take_out(two_upstreams[0])

        after = {_answer(health) for _ in range(6)}
        workers_after = set(child_pids(nginx.service.process.pid))
    finally:
        nginx.service.stop()

    assert before == {str(port) for port in two_upstreams}
    assert after == {str(two_upstreams[1])}
    assert workers_after and not workers_before & workers_after


def _answer(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())
