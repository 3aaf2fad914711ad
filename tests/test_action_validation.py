"""Action-server replies are still validated, by a validator built once."""

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from clinic_rasa import action_validation


@pytest.fixture
def remote_action(monkeypatch: pytest.MonkeyPatch) -> RemoteAction:
    """An action with the reused validator installed; Rasa's comes back afterwards."""
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
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


def test_the_schema_is_checked_once_however_many_replies(
    remote_action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = []
    real_validator_for = action_validation.validator_for

    def counting_validator_for(schema: dict) -> Any:
        validator_class = real_validator_for(schema)

        class Counting(validator_class):  # type: ignore[misc, valid-type]
            @classmethod
            def check_schema(cls, schema: dict, *args: Any, **kwargs: Any) -> None:
                checks.append(schema)
                super().check_schema(schema, *args, **kwargs)

        return Counting

    monkeypatch.setattr(action_validation, "validator_for", counting_validator_for)
    action_validation.reply_validator.cache_clear()
    try:
        for _ in range(3):
            assert remote_action._validate_action_result({"events": []}) is True
    finally:
        action_validation.reply_validator.cache_clear()
    assert len(checks) == 1
