"""Validates action-server replies with a validator built once, not per message.

Rasa checks every reply of the action server against its JSON schema with
`jsonschema.validate`, which first re-checks the (large) schema itself against
the JSON Schema meta-schema: about 25 ms of CPU per visitor message on two
cores, more than the whole NLU pipeline. Here the schema is checked once and
its validator reused; every reply is still validated against the same schema,
and an invalid one goes through Rasa's own check, so it fails with Rasa's own
error message.
"""

import functools
from typing import Any, Callable, Dict

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_rasa_validation: Callable[[RemoteAction, Dict[str, Any]], bool] = (
    RemoteAction._validate_action_result
)


@functools.lru_cache(maxsize=1)
def reply_validator() -> Validator:
    """The validator of Rasa's action-reply schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator: Validator = validator_class(schema)
    return validator


def _validate_action_result(action: RemoteAction, result: Dict[str, Any]) -> bool:
    try:
        reply_validator().validate(result)
    except ValidationError:
        return _rasa_validation(action, result)
    return True


def install() -> None:
    """Makes Rasa validate action replies with the reused validator."""
    RemoteAction._validate_action_result = _validate_action_result
