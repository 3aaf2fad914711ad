"""Finds an event's class by its type name in a table, not by a class-tree walk.

Rasa turns every stored event back into an object through
`Event.resolve_by_type`, which walks the whole tree of Event subclasses (and
asks `inspect.isabstract` of each) for every single event: a tracker of a
few dozen events read on every turn spent about 5 % of a worker's CPU there
(py-spy, first-seen benchmark). The table holds the same first match Rasa's
walk returns; a name it does not know (an Event subclass imported later)
rebuilds it, and a name still unknown goes to Rasa's own lookup, so the
defaults and the error stay Rasa's.
"""

from typing import Callable, Dict, Optional, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

ResolveByType = Callable[[str, Optional[Type[Event]]], Optional[Type[Event]]]

_rasa_resolve_by_type: ResolveByType = Event.resolve_by_type
_table: Dict[str, Type[Event]] = {}


def event_classes() -> Dict[str, Type[Event]]:
    """Each type name with the class Rasa's walk finds first for it."""
    table: Dict[str, Type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(
    type_name: str, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    """Rasa's `Event.resolve_by_type`, answered from the table."""
    global _table
    found = _table.get(type_name)
    if found is None:
        _table = event_classes()
        found = _table.get(type_name)
    if found is not None:
        return found
    return _rasa_resolve_by_type(type_name, default)


def install() -> None:
    """Makes Rasa resolve event type names through the table."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
