"""rule_lookup: the rules that fit a conversation are the ones Rasa finds."""

import json
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.test import _create_data_generator
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import State
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa import rule_lookup
from tests.conftest import ROOT
from tests.support.servers import trained_model

_RASA_POSSIBLE_KEYS = RulePolicy._get_possible_keys


def rasa_keys(policy: RulePolicy, lookup: Dict[str, Any], states: List[State]) -> Any:
    return _RASA_POSSIBLE_KEYS(policy, lookup, states)


def key(*states: State) -> str:
    """A rule's key as RulePolicy memorises it."""
    return json.dumps(list(states), sort_keys=True)


LISTEN = {"action_name": "action_listen"}
# Rules of every shape the index groups apart: at the conversation's start,
# after a named action with and without an intent, after an action named
# only by its text, with a slot that must not be set, and two states long.
LOOKUP = {
    key({"user": {"intent": "greet"}}): "utter_greet",
    key({"prev_action": LISTEN, "user": {"intent": "greet"}}): "utter_greet",
    key({"prev_action": LISTEN, "user": {"intent": "faq"}}): "action_answer",
    key({"prev_action": {"action_name": "utter_greet"}}): "action_listen",
    key({"prev_action": {"action_text": "hello"}}): "action_listen",
    key(
        {"prev_action": LISTEN, "slots": {"phone": SHOULD_NOT_BE_SET}},
    ): "callback_form",
    key(
        {"prev_action": {"action_name": "utter_greet"}},
        {"prev_action": LISTEN, "user": {"intent": "faq"}},
    ): "action_answer_after_greeting",
}
CONVERSATIONS: List[List[State]] = [
    [],
    [{"user": {"intent": "greet"}}],
    [{}, {"prev_action": LISTEN, "user": {"intent": "greet"}}],
    [{}, {"prev_action": LISTEN, "user": {"text": "hi there"}}],
    [{"prev_action": LISTEN, "user": {"intent": "faq"}}],
    [
        {"prev_action": LISTEN, "user": {"intent": "greet"}},
        {"prev_action": {"action_name": "utter_greet"}},
        {"prev_action": LISTEN, "user": {"intent": "faq"}},
    ],
    [{"prev_action": {"action_name": "utter_greet"}, "user": {"intent": "faq"}}],
    [{"prev_action": {"action_text": "hello"}}],
    [{"prev_action": LISTEN, "slots": {"phone": (1.0,)}}],
    [{"prev_action": LISTEN, "user": {"intent": "affirm"}}],
]


@pytest.mark.parametrize("states", CONVERSATIONS)
def test_the_index_finds_the_keys_rasa_finds(states: List[State]) -> None:
    policy = RulePolicy.__new__(RulePolicy)

    found = rule_lookup.possible_keys(policy, LOOKUP, states)

    assert found == rasa_keys(policy, LOOKUP, states)


def test_a_changed_lookup_gets_a_new_index() -> None:
    policy = RulePolicy.__new__(RulePolicy)
    lookup = dict(LOOKUP)
    states: List[State] = [{"prev_action": LISTEN, "user": {"intent": "bye"}}]
    before = rule_lookup.possible_keys(policy, lookup, states)

    new_rule = key({"prev_action": LISTEN, "user": {"intent": "bye"}})
    lookup[new_rule] = "utter_bye"
    after = rule_lookup.possible_keys(policy, lookup, states)

    assert after == before | {new_rule} == rasa_keys(policy, lookup, states)


def story_states(agent: Agent, policy: RulePolicy) -> Iterator[List[State]]:
    """The states RulePolicy sees after each action and message of the test stories.

    Each twice: with the visitor's text and with the intent, as `_predict` asks.
    """
    assert agent.domain is not None
    domain = agent.domain
    stories = _create_data_generator(
        str(ROOT / "tests" / "test_stories.yml"),
        agent,
        use_conversation_test_files=True,
    ).generate_story_trackers()
    for story in stories:
        events = list(story.events)
        for end, event in enumerate(events, start=1):
            if not isinstance(event, (ActionExecuted, UserUttered)):
                continue
            tracker = DialogueStateTracker.from_events(
                "story", events[:end], slots=domain.slots
            )
            for use_text in (True, False):
                yield policy._prediction_states(
                    tracker,
                    domain,
                    use_text,
                    rule_only_data=policy._get_rule_only_data(),
                )


@pytest.mark.model
def test_on_every_state_of_the_test_stories_the_keys_are_rasas() -> None:
    agent = Agent.load(str(trained_model(ROOT)))
    assert agent.processor is not None
    policy = next(
        node._component
        for node in agent.processor.graph_runner._instantiated_nodes.values()  # type: ignore[attr-defined]
        if isinstance(node._component, RulePolicy)
    )
    lookups = [lookup for lookup in policy.lookup.values() if isinstance(lookup, dict)]
    compared = 0
    for states in story_states(agent, policy):
        for lookup in lookups:
            assert rule_lookup.possible_keys(policy, lookup, states) == rasa_keys(
                policy, lookup, states
            )
            compared += 1
    assert compared > 1000
