"""The inbox: visitor questions the assistant could not answer, grouped.

Questions with the same words are one item with a count (see
`clinic_log.text_keys`). Grouping, ordering and paging happen in SQL on the
stored keys, so a page costs the same with ten conversations or ten thousand.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence

import yaml
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from clinic_log import queries
from clinic_log.models import Conversation, Exchange, InboxReview

# Shown and typed by staff; long enough to be unique in any real inbox.
SHORT_KEY = 12
_MIN_KEY = 6
_SPACE = re.compile(r"\s+")


@dataclass
class InboxItem:
    """One question as visitors asked it, however many times."""

    key: str
    text: str
    count: int
    last_seen: str
    senders: List[str] = field(default_factory=list)
    intents: List[str] = field(default_factory=list)
    reviewed: bool = False
    # The shown wording was cut at the input length limit.
    text_truncated: bool = False

    @property
    def short_key(self) -> str:
        """The key as shown to staff."""
        return self.key[:SHORT_KEY]

    def as_row(self) -> Dict[str, Any]:
        """A plain row for jsonl and csv output."""
        return {
            "key": self.short_key,
            "text": self.text,
            "count": self.count,
            "last_seen": self.last_seen,
            "intents": " ".join(self.intents),
            "reviewed": self.reviewed,
        }


def _is_reviewed() -> Any:
    return exists().where(InboxReview.text_key == Exchange.text_key)


def _groups(show_all: bool) -> Any:
    """Item keys with their counts, most asked first, then most recent."""
    times = func.count(Exchange.id).label("times")
    last_seen = func.max(Exchange.time).label("last_seen")
    query = select(Exchange.text_key, times, last_seen).where(
        queries.unanswered_condition()
    )
    if not show_all:
        query = query.where(~_is_reviewed())
    return query.group_by(Exchange.text_key).order_by(
        times.desc(), last_seen.desc(), Exchange.text_key
    )


def _items(
    session: Session, groups: Sequence[Any], whole_inbox: bool = False
) -> List[InboxItem]:
    """The items of `groups` (key, count, last seen), with wording and senders.

    `whole_inbox` reads every unanswered turn instead of naming the keys, which
    would be one bound parameter per item.
    """
    keys = [group.text_key for group in groups]
    if not keys:
        return []
    items = {
        group.text_key: InboxItem(
            group.text_key, "", group.times, group.last_seen.isoformat()
        )
        for group in groups
    }
    query = (
        select(
            Exchange.text_key,
            Exchange.text,
            Exchange.text_truncated,
            Exchange.intent,
            Conversation.sender_id,
        )
        .join(Conversation, Conversation.id == Exchange.conversation_id)
        .where(queries.unanswered_condition())
        .order_by(Exchange.time.desc(), Exchange.id.desc())
    )
    if not whole_inbox:
        query = query.where(Exchange.text_key.in_(keys))
    for turn in session.execute(query):
        if turn.text_key not in items:
            continue
        item = items[turn.text_key]
        if not item.text:
            item.text, item.text_truncated = turn.text, bool(turn.text_truncated)
        if turn.sender_id not in item.senders:
            item.senders.append(turn.sender_id)
        if turn.intent and turn.intent not in item.intents:
            item.intents.append(turn.intent)
    reviewed = select(InboxReview.text_key)
    if not whole_inbox:
        reviewed = reviewed.where(InboxReview.text_key.in_(keys))
    for key in session.execute(reviewed).scalars():
        if key in items:
            items[key].reviewed = True
    return [items[key] for key in keys]


def count(session: Session, show_all: bool = False) -> int:
    """How many items the inbox has (reviewed ones too with `show_all`)."""
    groups = _groups(show_all).subquery()
    return int(session.execute(select(func.count()).select_from(groups)).scalar_one())


def page(
    session: Session, show_all: bool = False, offset: int = 0, limit: int = 50
) -> List[InboxItem]:
    """Items `offset` to `offset + limit`; reviewed ones only with `show_all`.

    How many there are in all is `count`, which the caller asks once: a page
    view needs it before it knows which offset to read.
    """
    chosen = session.execute(_groups(show_all).offset(offset).limit(limit)).all()
    return _items(session, chosen)


def load(session: Session, show_all: bool = True) -> List[InboxItem]:
    """Every item in the log (reviewed ones too, unless `show_all` is False)."""
    groups = session.execute(_groups(show_all)).all()
    return _items(session, groups, whole_inbox=True)


def find(session: Session, key: str) -> InboxItem:
    """The one item whose key starts with `key` (at least 6 characters)."""
    wanted = key.strip().lower()
    if len(wanted) < _MIN_KEY:
        raise LookupError(f"give at least {_MIN_KEY} characters of the key")
    matches = session.execute(
        _groups(show_all=True)
        .where(Exchange.text_key.startswith(wanted, autoescape=True))
        .limit(2)
    ).all()
    if not matches:
        raise LookupError(f"no inbox item has key {key!r}")
    if len(matches) > 1:
        raise LookupError(f"key {key!r} matches several items; give more of it")
    return _items(session, matches)[0]


class _Literal(str):
    """A string yaml.dump writes as a literal block (`|`)."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _NluDumper(yaml.SafeDumper):
    """SafeDumper that knows literal blocks; registered once, used for NLU only."""


_NluDumper.add_representer(_Literal, _literal)


def _example_line(text: str) -> str:
    """One `- example` line: a single line of text, whatever the visitor typed."""
    return "- " + _SPACE.sub(" ", text).strip()


def nlu_block(intent: str, texts: Sequence[str]) -> str:
    """A Rasa NLU YAML block for `data/nlu/` with `texts` under `intent`.

    Written by the YAML library, so quotes, colons and hashes in visitor text
    cannot break the file; Rasa reads each `- ` line of the block as written.
    """
    examples = _Literal("\n".join(_example_line(text) for text in texts) + "\n")
    document = [{"intent": intent, "examples": examples}]
    dumped: str = yaml.dump(
        document, Dumper=_NluDumper, sort_keys=False, allow_unicode=True, width=10**6
    )
    return dumped
