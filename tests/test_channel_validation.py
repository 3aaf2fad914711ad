"""Webhook body validation: every body gets a message to run or a clear refusal."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_channel.validation import (
    MAX_BODY_BYTES,
    MAX_SENDER_CHARS,
    MAX_TEXT_CHARS,
    Refusal,
    VisitorMessage,
    parse_body,
)

# Arabic for "what is kyphoplasty", right-to-left.
RIGHT_TO_LEFT = (
    "\u0645\u0627 \u0647\u0648 "
    "\u0631\u0623\u0628 \u0627\u0644\u0641\u0642\u0631\u0627\u062a"
)


def body(**document):
    return json.dumps(document).encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "status", "mentions"),
    [
        (b"this is not json", 400, "not valid JSON"),
        (b"\xff\xfe\x00bad", 400, "not valid UTF-8"),
        (b"[1, 2]", 400, "JSON object"),
        (body(sender="v"), 400, '"message" is required'),
        (body(sender="v", message=42), 400, '"message" is required'),
        (body(message="hi"), 400, '"sender" is required'),
        (body(sender="", message="hi"), 400, '"sender" is required'),
        (body(sender=7, message="hi"), 400, '"sender" is required'),
        (body(sender="x" * 129, message="hi"), 400, "longer than 128"),
        (body(sender="a b", message="hi"), 400, "may hold only"),
        (body(sender="<script>", message="hi"), 400, "may hold only"),
        (b'{"sender": "v", "message": "\\ud800"}', 400, "lone surrogate"),
        (b" " * (MAX_BODY_BYTES + 1), 413, "larger than"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "nests JSON too deeply"),
        (b'{"sender": "v", "message": ' + b"9" * 100_000 + b"}", 400, "number"),
    ],
    ids=[
        "invalid-json", "non-utf8", "not-an-object", "no-message", "message-number",
        "no-sender", "empty-sender", "sender-number", "huge-sender", "sender-space",
        "sender-markup", "lone-surrogate", "huge-body", "deep-nesting", "huge-number",
    ],
)  # fmt: skip
def test_bad_bodies_are_refused_with_a_reason(raw, status, mentions):
    refusal = parse_body(raw)

    assert isinstance(refusal, Refusal)
    assert refusal.status == status
    assert mentions in refusal.error


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀🙏👍",
        RIGHT_TO_LEFT,
        "<b>hi</b><script>alert('x')</script>",
        "'; DROP TABLE exchanges; --",
        "tab\there\x07bell\x1bescape",
    ],
    ids=["empty", "whitespace", "emoji", "rtl", "html", "sql", "control"],
)
def test_odd_but_valid_messages_pass_verbatim(text):
    message = parse_body(body(sender="visitor-1", message=text))

    assert message == VisitorMessage("visitor-1", text, len(text))
    assert not message.truncated


@pytest.mark.parametrize("length", [5_000, 1_000_000])
def test_long_messages_are_cut_and_marked(length):
    text = "please help " * (length // 12)

    message = parse_body(body(sender="v", message=text))

    assert isinstance(message, VisitorMessage)
    assert message.text == text[:MAX_TEXT_CHARS]
    assert message.truncated
    assert message.original_length == len(text)


def test_nul_is_the_one_character_replaced():
    message = parse_body(body(sender="v", message="a\x00b"))

    assert isinstance(message, VisitorMessage)
    assert message.text == "a\ufffdb"


@given(st.binary(max_size=300))
def test_any_bytes_give_a_message_or_a_4xx(raw):
    result = parse_body(raw)

    if isinstance(result, Refusal):
        assert 400 <= result.status < 500
        assert result.error
    else:
        assert len(result.text) <= MAX_TEXT_CHARS


@given(
    sender=st.text(min_size=1, max_size=200),
    message=st.text(max_size=3 * MAX_TEXT_CHARS),
)
def test_any_json_strings_give_a_message_or_a_4xx(sender, message):
    result = parse_body(body(sender=sender, message=message))

    if isinstance(result, VisitorMessage):
        assert result.sender == sender and len(sender) <= MAX_SENDER_CHARS
        assert message.replace("\x00", "\ufffd").startswith(result.text)
        assert result.truncated == (len(message) > MAX_TEXT_CHARS)
    else:
        assert result.status == 400
