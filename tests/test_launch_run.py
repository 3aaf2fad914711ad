"""`make run`'s settings from the environment (the launcher itself: test_make_run)."""

from pathlib import Path

import pytest

from clinic_launch.run import RunSettings, SettingError, action_port


def test_defaults_are_the_readmes() -> None:
    settings = RunSettings.from_environment({"MODEL": "models/m.tar.gz"})

    assert settings.model == Path("models/m.tar.gz")
    assert (settings.rasa_port, settings.web_port, settings.dashboard_port) == (
        5005,
        8000,
        8001,
    )
    assert settings.workers == 2 and settings.redis_url is None
    assert settings.cors_origins == ["http://localhost:8000", "http://127.0.0.1:8000"]
    assert settings.smtp_host is None
    assert settings.dashboard_url == "http://localhost:8001"


def test_the_page_origin_follows_the_page_port() -> None:
    settings = RunSettings.from_environment({"MODEL": "m", "WEB_PORT": "9100"})

    assert "http://localhost:9100" in settings.cors_origins


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("MODEL", "", "MODEL must name the trained model"),
        ("RASA_WORKERS", "0", "RASA_WORKERS must be a whole number of at least 1"),
        ("RASA_WORKERS", "two", "got 'two'"),
        ("RASA_WORKERS", "²", "got '²'"),
        ("RASA_PORT", "70000", "RASA_PORT must be a port number"),
        ("WEB_PORT", "eighty", "WEB_PORT must be a port number"),
    ],
)
def test_a_bad_setting_is_named_with_its_value(
    name: str, value: str, said: str
) -> None:
    with pytest.raises(SettingError, match=said):
        RunSettings.from_environment({"MODEL": "m", name: value})


def test_the_action_server_port_is_the_one_endpoints_yml_names(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('action_endpoint:\n  url: "http://127.0.0.1:6123/webhook"\n')

    assert action_port(endpoints) == 6123
    assert action_port() == 5055
