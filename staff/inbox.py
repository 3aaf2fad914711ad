"""The inbox: visitor questions the assistant could not answer, grouped.

Near-identical questions are shown once with a count. "Near-identical" is
kept simple and predictable: the same words after lowercasing, dropping
punctuation and collapsing whitespace ("How much does it cost?" and "how
much does it cost" are one question; "what does it cost" is another). A
group's key is the SHA-256 of that normalised text, so a review mark never
stores visitor words and survives the purge of the messages themselves.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Sequence, Set

import yaml
from sqlalchemy.orm import Session

from clinic_log import queries, reviews

# Shown and typed by staff; long enough to be unique in any real inbox.
SHORT_KEY = 12
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lowercase words only: punctuation dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def text_key(text: str) -> str:
    """The group key of `text`: a hash of its normalised form."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


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


def group(rows: Iterable[Dict[str, Any]], reviewed: Set[str]) -> List[InboxItem]:
    """Groups unanswered rows (newest first) into items, most asked first.

    An item shows its newest wording; messages with no words at all (only
    punctuation or emoji) are grouped by their exact text instead.
    """
    items: Dict[str, InboxItem] = {}
    for row in rows:
        key = text_key(row["text"]) if normalise(row["text"]) else _exact_key(row)
        item = items.get(key)
        if item is None:
            item = items[key] = InboxItem(
                key,
                row["text"],
                0,
                row["time"],
                reviewed=key in reviewed,
                text_truncated=bool(row.get("text_truncated")),
            )
        item.count += 1
        if row["sender_id"] not in item.senders:
            item.senders.append(row["sender_id"])
        intent = row.get("intent") or ""
        if intent and intent not in item.intents:
            item.intents.append(intent)
    return sorted(
        items.values(), key=lambda item: (item.count, item.last_seen), reverse=True
    )


def load(session: Session) -> List[InboxItem]:
    """Every inbox item in the log, reviewed or not."""
    return group(queries.unanswered(session), reviews.reviewed_keys(session))


def _exact_key(row: Dict[str, Any]) -> str:
    return hashlib.sha256(("raw:" + row["text"]).encode("utf-8")).hexdigest()


def find(items: Sequence[InboxItem], key: str) -> InboxItem:
    """The one item whose key starts with `key` (at least 6 characters)."""
    wanted = key.strip().lower()
    if len(wanted) < 6:
        raise LookupError("give at least 6 characters of the key")
    matches = [item for item in items if item.key.startswith(wanted)]
    if not matches:
        raise LookupError(f"no inbox item has key {key!r}")
    if len(matches) > 1:
        raise LookupError(f"key {key!r} matches {len(matches)} items; give more of it")
    return matches[0]


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
