"""Dashboard settings and its server: the kept secret key, the command, its address."""

import os
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from cluster.processes import free_port
from staff.dashboard.settings import DashboardSettings, secret_key

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30


def test_secret_key_is_made_once_and_kept_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_SECRET_KEY", raising=False)
    path = tmp_path / "var" / "dashboard_secret_key"

    first = secret_key(path)

    assert len(first) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(path) == first


def test_processes_starting_together_agree_on_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_SECRET_KEY", raising=False)
    path = tmp_path / "var" / "dashboard_secret_key"

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: secret_key(path), range(16)))

    assert keys == {path.read_text(encoding="ascii")}
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", "from-env")
    path = tmp_path / "key"
    assert secret_key(path) == "from-env"
    assert not path.exists()


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", "k")
    monkeypatch.setenv("DASHBOARD_SESSION_MINUTES", "10")
    monkeypatch.setenv("DASHBOARD_SECURE_COOKIES", "1")
    monkeypatch.setenv("DASHBOARD_PROXIES", "1")

    settings = DashboardSettings.from_environment()

    assert (settings.session_minutes, settings.secure_cookies, settings.proxies) == (
        10,
        True,
        1,
    )


@pytest.mark.e2e
def test_python_dash_m_staff_dashboard_serves_the_sign_in_page(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}",
        "DASHBOARD_SECRET_KEY": "test",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "staff", "dashboard", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/inbox", allow_redirects=False, timeout=2
                )
                break
            except requests.ConnectionError:
                assert server.poll() is None, (
                    server.stdout.read() if server.stdout else ""
                )
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.3)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        # Waitress, not Werkzeug's development server (which names itself).
        assert "Werkzeug" not in response.headers.get("Server", "")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"Staff dashboard at http://127.0.0.1:{port}/" in output
    # Request lines (visitor ids, search terms) stay out of the server's output.
    assert "GET /inbox" not in output
