"""Checks a webhook body and turns it into what Rasa may see.

Every refusal carries a sentence a client developer can act on; nothing here
raises past the channel. Over-long messages are not refused but cut, so the
NLU (spaCy, DIET) never sees more than `MAX_TEXT_CHARS` characters and the
log stores the first `MAX_TEXT_CHARS` verbatim with a mark that it was cut.
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Union

# What the log keeps verbatim and the NLU reads; longer messages are cut here.
MAX_TEXT_CHARS = 2_000
# A body above this is refused outright (HTTP 413) before it is parsed.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_SENDER_CHARS = 128
# Conversation ids are opaque tokens (the widget sends random hex).
SENDER_PATTERN = re.compile(r"[A-Za-z0-9._:@/+=-]+")
# PostgreSQL text cannot hold NUL: the one character not kept verbatim.
NUL_REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class VisitorMessage:
    """A valid webhook message, cut to `MAX_TEXT_CHARS`."""

    sender: str
    text: str
    original_length: int

    @property
    def truncated(self) -> bool:
        """Whether the visitor typed more than the text Rasa gets."""
        return self.original_length > len(self.text)


@dataclass(frozen=True)
class Refusal:
    """Why a body was refused, and the HTTP status that says so."""

    status: int
    error: str


def _decoded(body: bytes) -> Union[Any, Refusal]:
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(400, "the request body is not valid UTF-8")
    except json.JSONDecodeError:
        return Refusal(400, "the request body is not valid JSON")
    except RecursionError:
        return Refusal(400, "the request body nests JSON too deeply")
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits.
        return Refusal(400, "the request body holds a number too long to read")


def _encodable(text: str) -> bool:
    """False for lone surrogates (JSON "\\ud800"), which no database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _sender_refusal(sender: Any) -> Union[str, Refusal]:
    if not isinstance(sender, str) or not sender:
        return Refusal(400, '"sender" is required: a non-empty string')
    if len(sender) > MAX_SENDER_CHARS:
        return Refusal(400, f'"sender" is longer than {MAX_SENDER_CHARS} characters')
    if not SENDER_PATTERN.fullmatch(sender):
        return Refusal(
            400, '"sender" may hold only letters, digits and . _ : @ / + = -'
        )
    return sender


def parse_body(body: bytes) -> Union[VisitorMessage, Refusal]:
    """The visitor's message from a raw webhook body, or why it was refused."""
    document = _decoded(body)
    if isinstance(document, Refusal):
        return document
    if not isinstance(document, dict):
        return Refusal(400, 'the body must be a JSON object {"sender", "message"}')
    sender = _sender_refusal(document.get("sender"))
    if isinstance(sender, Refusal):
        return sender
    message = document.get("message")
    if not isinstance(message, str):
        return Refusal(400, '"message" is required: a string')
    if not _encodable(message):
        return Refusal(400, '"message" holds invalid Unicode (a lone surrogate)')
    text = message[:MAX_TEXT_CHARS].replace("\x00", NUL_REPLACEMENT)
    return VisitorMessage(sender=sender, text=text, original_length=len(message))
