"""event_types: the table gives the class Rasa's own walk gives, for every name."""

from typing import Iterator

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa import event_types


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table in place of Rasa's lookup; Rasa's comes back afterwards."""
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(event_types, "_table", {})
    event_types.install()
    yield


def test_every_type_name_resolves_to_the_class_rasa_finds(installed: None) -> None:
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is event_types._rasa_resolve_by_type(name)


def test_names_rasa_does_not_know_keep_rasas_answers(installed: None) -> None:
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_a_tracker_read_back_through_the_table_is_the_same(installed: None) -> None:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("how long is the stay?", {"name": "faq", "confidence": 0.9}),
        SlotSet("last_topic", "faq/hospital_stay"),
    ]
    stored = DialogueStateTracker.from_events("visitor", events).current_state(
        event_verbosity=rasa.shared.core.trackers.EventVerbosity.ALL
    )

    restored = DialogueStateTracker.from_dict("visitor", stored["events"])

    assert list(restored.events) == events
    assert event_types._table, "Rasa read the events without the table"


def test_an_event_class_imported_later_is_found(installed: None) -> None:
    event_types._table = {"user": UserUttered}
    assert Event.resolve_by_type("action") is ActionExecuted
