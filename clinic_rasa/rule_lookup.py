"""Finds the rules that fit a conversation without trying every rule at every turn.

RulePolicy looks for the rules that fit the conversation two or three times
a turn. Rasa tries each of the ~100 memorised rules against the latest
state, then the survivors against each earlier state back to the start of the
conversation, so its cost grows with the conversation and was 9 % of a
worker's time under load. The result is the same if (1) only the rules whose
last state names the latest state's previous action and intent (or names
none) are tried against it, since a rule naming another can never fit, and
(2) the walk stops once it is further back than the longest remaining rule,
since a rule fits every state before its own start. Each rule is still
judged by Rasa's own `_is_rule_applicable`; `tests/test_rule_lookup.py`
checks the keys equal Rasa's on every state of the test stories."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

_INDEXES = "_clinic_rule_indexes"


Constraint = Tuple[Optional[str], Optional[str]]


def _named(sub_state: Optional[Dict[str, Any]], key: str) -> Optional[str]:
    """The value a state requires for `key`, or None where any value may fit."""
    value = (sub_state or {}).get(key)
    return value if isinstance(value, str) and value != SHOULD_NOT_BE_SET else None


@dataclass
class RuleIndex:
    """One lookup's rule keys, grouped by the action and intent their last state names.

    A rule whose last state names no action, or no intent, is grouped under
    None for it and tried whatever the conversation's latest state holds.
    """

    source: Dict[str, Any]
    size: int
    lengths: Dict[str, int] = field(default_factory=dict)
    grouped: Dict[Constraint, List[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    at_start: List[str] = field(default_factory=list)

    @classmethod
    def of(cls, lookup: Dict[str, Any]) -> "RuleIndex":
        """Parses every key of `lookup` once."""
        index = cls(source=lookup, size=len(lookup))
        for key in lookup:
            states = json.loads(key)
            index.lengths[key] = len(states)
            last = states[-1] if states else {}
            if not last.get(PREVIOUS_ACTION):
                index.at_start.append(key)
                continue
            constraint = (
                _named(last.get(PREVIOUS_ACTION), ACTION_NAME),
                _named(last.get(USER), INTENT),
            )
            index.grouped[constraint].append(key)
        return index

    def describes(self, lookup: Dict[str, Any]) -> bool:
        """Whether this index was built from `lookup` as it is now."""
        return self.source is lookup and self.size == len(lookup)

    def candidates(self, latest: State) -> List[str]:
        """The keys that may fit the latest state; no other key can."""
        if not latest.get(PREVIOUS_ACTION):
            return self.at_start
        action = _named(latest.get(PREVIOUS_ACTION), ACTION_NAME)
        intent = _named(latest.get(USER), INTENT)
        return [
            key
            for constraint in {(a, i) for a in (action, None) for i in (intent, None)}
            for key in self.grouped.get(constraint, [])
        ]


def _index_for(policy: RulePolicy, lookup: Dict[str, Any]) -> RuleIndex:
    indexes: Dict[int, RuleIndex] = policy.__dict__.setdefault(_INDEXES, {})
    index: Optional[RuleIndex] = indexes.get(id(lookup))
    if index is None or not index.describes(lookup):
        index = indexes[id(lookup)] = RuleIndex.of(lookup)
    return index


def possible_keys(
    policy: RulePolicy, lookup: Dict[str, Any], states: List[State]
) -> Set[str]:
    """RulePolicy._get_possible_keys: the same keys, fewer rules tried."""
    if not states:
        return set(lookup)
    index = _index_for(policy, lookup)
    reversed_states: Sequence[State] = states[::-1]
    keys = {
        key
        for key in index.candidates(reversed_states[0])
        if policy._is_rule_applicable(key, 0, reversed_states[0])
    }
    for turn, state in enumerate(reversed_states[1:], start=1):
        if not keys or turn >= max(index.lengths[key] for key in keys):
            break
        keys = {key for key in keys if policy._is_rule_applicable(key, turn, state)}
    return keys


def install() -> None:
    """Makes every RulePolicy find its possible rules through the index."""
    RulePolicy._get_possible_keys = possible_keys
