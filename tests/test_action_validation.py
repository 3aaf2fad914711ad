"""Action-server replies are still validated, by a validator built once."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from clinic_speed import action_validation


@pytest.fixture
def remote_action() -> RemoteAction:
    action_validation.install()
    return RemoteAction("action_log_exchange", None)


def test_a_valid_reply_passes(remote_action: RemoteAction) -> None:
    reply = {
        "events": [{"event": "slot", "name": "topic", "value": "recovery"}],
        "responses": [{"text": "Call 904.265.7755."}],
    }

    assert remote_action._validate_action_result(reply) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": "not a list"},
        {"events": [{"event": "no_such_event"}]},
        {"responses": [["not", "an", "object"]]},
    ],
)
def test_an_invalid_reply_fails_with_rasas_own_message(
    remote_action: RemoteAction, reply: dict
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server"):
        remote_action._validate_action_result(reply)


def test_the_schema_is_checked_once_and_its_validator_reused() -> None:
    assert action_validation.reply_validator() is action_validation.reply_validator()
