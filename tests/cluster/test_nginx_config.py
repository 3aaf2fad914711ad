"""The nginx template: every placeholder filled, and nginx itself accepts it."""

import subprocess
from pathlib import Path

import pytest

from cluster.nginx import NGINX, render, upstream_lines

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
