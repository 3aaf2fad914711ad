"""The action server serves the domain's custom actions, each with what it reads.

Rasa sends the whole domain only to the actions domain.yml marks
`send_domain` (`enable_selective_domain` in both endpoints files); every
action that replies reads its texts from it, so only the logging action after
a plain reply goes without.
"""

from pathlib import Path
from typing import Any, Dict, Set

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from rasa_sdk.executor import ActionExecutor

from clinic_launch import AssistantPlan
from tests.conftest import ROOT

ENDPOINTS_FILES = {
    "make run": ROOT / "endpoints.yml",
    "cluster": ROOT / "deploy" / "endpoints.cluster.yml",
}


def test_every_domain_action_is_served_and_nothing_else(domain: Dict[str, Any]) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")

    assert set(executor.actions) == custom_actions(domain)


def custom_actions(domain: Dict[str, Any]) -> Set[str]:
    """The names under domain.yml's `actions:`, with or without settings."""
    return {
        action if isinstance(action, str) else next(iter(action))
        for action in domain["actions"]
    }


def called_without_the_domain(endpoints: Path) -> Set[str]:
    """The custom actions whose call, with these endpoints, leaves the domain out."""
    endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
    domain = Domain.load(str(ROOT / "domain.yml"))
    names = custom_actions(yaml.safe_load((ROOT / "domain.yml").read_text("utf-8")))
    tracker = DialogueStateTracker.from_events(
        "domain-or-not", [UserUttered("how long is the stay", {"name": "faq"})]
    )
    return {
        name
        for name in names
        if "domain"
        not in RemoteAction(name, endpoint)._action_call_format(tracker, domain)
    }


@pytest.mark.parametrize("endpoints", ENDPOINTS_FILES.values(), ids=ENDPOINTS_FILES)
def test_only_the_logging_action_is_called_without_the_domain(
    endpoints: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cluster file's ${VARIABLES}, which Rasa fills in as it reads it.
    monkeypatch.setenv("ACTION_SERVER_URL", "http://actions:5055/webhook")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")

    assert called_without_the_domain(endpoints) == {"action_log_exchange"}


def test_a_launched_assistant_keeps_the_action_endpoints_settings(
    tmp_path: Path,
) -> None:
    plan = AssistantPlan(
        model=tmp_path / "model.tar.gz",
        database_url=f"sqlite:///{tmp_path / 'clinic.db'}",
        rasa_port=5105,
        action_port=5155,
        root=ROOT,
    )
    endpoints, _ = plan.write_configuration(tmp_path)

    assert called_without_the_domain(endpoints) == {"action_log_exchange"}
    action_endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
    assert action_endpoint is not None
    assert action_endpoint.url == "http://127.0.0.1:5155/webhook"
