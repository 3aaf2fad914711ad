"""Bad settings fail at once with a clear message, before any server starts."""

import socket
from pathlib import Path

import pytest

from cluster.__main__ import parse_args
from cluster.processes import ServiceError
from cluster.topology import chosen_port


def test_a_busy_port_is_refused_by_name() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServiceError, match=f"port {port} for nginx is not free"):
            chosen_port(port, "nginx")


def test_port_zero_means_any_free_port() -> None:
    assert chosen_port(0, "nginx") > 0


def test_a_missing_model_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--model", str(tmp_path / "none.tar.gz")])
    assert exit_info.value.code == 2
    assert "run `make train` first" in capsys.readouterr().err


def test_address_limit_must_be_positive(tmp_path: Path) -> None:
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    with pytest.raises(SystemExit):
        parse_args(["--model", str(model), "--address-limit", "0"])
    assert parse_args(["--model", str(model), "--port", "0"]).port == 0
