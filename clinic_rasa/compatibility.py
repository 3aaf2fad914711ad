"""What the seam was written against: package versions and the Rasa members it replaces.

Each patch replaces or extends a Rasa member that is not public API. A Rasa
upgrade may rename it, change its parameters or stop calling it, and the patch
would then do nothing, or break turns, without a word. So `problems()` checks
the exact versions the seam was tested with and the parameters of every member
it touches, and `install()` refuses to start on any difference. The contract
tests (tests/test_rasa_seam.py) check that Rasa still calls each member.
"""

import inspect
from dataclasses import dataclass
from importlib import import_module, metadata
from typing import List, Tuple

# The versions requirements.txt pins and the tests ran with.
VERSIONS = {"rasa": "3.6.21", "rasa-sdk": "3.6.2", "sanic": "21.12.2"}


@dataclass(frozen=True)
class Target:
    """A Rasa member the seam relies on, and the parameters it must have.

    `owner` is the class the member belongs to, or "" for a module's function.
    """

    module: str
    owner: str
    member: str
    parameters: Tuple[str, ...]

    @property
    def name(self) -> str:
        """Where it is, as a dotted path."""
        return ".".join(part for part in (self.module, self.owner, self.member) if part)


TARGETS = (
    # parse_cache: the NLU reading of a message.
    Target(
        "rasa.core.processor",
        "MessageProcessor",
        "_parse_message_with_graph",
        ("self", "message", "tracker", "only_output_properties"),
    ),
    # action_validation: the check of every action-server reply.
    Target(
        "rasa.core.actions.action",
        "RemoteAction",
        "_validate_action_result",
        ("self", "result"),
    ),
    Target(
        "rasa.core.actions.action", "RemoteAction", "action_response_format_spec", ()
    ),
    # failures: every custom action and form validation call.
    Target(
        "rasa.core.actions.action",
        "RemoteAction",
        "run",
        ("self", "output_channel", "nlg", "tracker", "domain"),
    ),
    # action_call: the body of every custom-action call, and its HTTP session.
    Target(
        "rasa.core.actions.action",
        "RemoteAction",
        "_action_call_format",
        ("self", "tracker", "domain"),
    ),
    Target("rasa.utils.endpoints", "EndpointConfig", "session", ("self",)),
    # event_types: every stored event's class, by its type name.
    Target(
        "rasa.shared.core.events", "Event", "resolve_by_type", ("type_name", "default")
    ),
    # empty_domain: the check of the domain before every NLU reading.
    Target("rasa.shared.core.domain", "Domain", "is_empty", ("self",)),
    Target(
        "rasa.core.processor",
        "MessageProcessor",
        "_check_for_unseen_features",
        ("self", "parse_data"),
    ),
    # graph_runner: every run of the model's graph.
    Target(
        "rasa.engine.runner.dask",
        "DaskGraphRunner",
        "run",
        ("self", "inputs", "targets"),
    ),
    Target(
        "rasa.engine.runner.dask",
        "DaskGraphRunner",
        "_add_inputs_to_graph",
        ("inputs", "graph"),
    ),
    Target(
        "rasa.engine.graph", "GraphSchema", "minimal_graph_schema", ("self", "targets")
    ),
    # rule_lookup: RulePolicy's search for the rules that fit, and its check of one.
    Target(
        "rasa.core.policies.rule_policy",
        "RulePolicy",
        "_get_possible_keys",
        ("self", "lookup", "states"),
    ),
    Target(
        "rasa.core.policies.rule_policy",
        "RulePolicy",
        "_is_rule_applicable",
        ("self", "rule_key", "turn_index", "conversation_state"),
    ),
    # worker_sockets: the listening socket Sanic binds for several workers.
    Target("sanic.server.runners", "", "bind_socket", ("host", "port", "backlog")),
    # rasa_sdk_plugins: the action server's documented extension hook.
    Target("rasa_sdk.plugin", "", "attach_sanic_app_extensions", ("app",)),
)
# action_timeout: the module constant every custom-action call reads.
TIMEOUT_MODULE, TIMEOUT_CONSTANT = "rasa.core.actions.action", "DEFAULT_REQUEST_TIMEOUT"


def _version_problems() -> List[str]:
    problems = []
    for package, wanted in VERSIONS.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            found = "not installed"
        if found != wanted:
            problems.append(f"{package} is {found}; the seam was written for {wanted}")
    return problems


def _target_problems(target: Target) -> List[str]:
    try:
        owner = import_module(target.module)
        if target.owner:
            owner = getattr(owner, target.owner)
        member = getattr(owner, target.member)
    except (ImportError, AttributeError):
        return [f"{target.name} no longer exists"]
    found = tuple(inspect.signature(member).parameters)
    if found != target.parameters:
        return [f"{target.name} takes {found}, not {target.parameters}"]
    return []


def problems() -> List[str]:
    """Every difference between this Rasa and the one the seam was written for."""
    found = _version_problems()
    for target in TARGETS:
        found += _target_problems(target)
    timeout = getattr(import_module(TIMEOUT_MODULE), TIMEOUT_CONSTANT, None)
    if not isinstance(timeout, (int, float)):
        found.append(f"{TIMEOUT_MODULE}.{TIMEOUT_CONSTANT} is not a number of seconds")
    return found
