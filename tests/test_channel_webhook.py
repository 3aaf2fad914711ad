"""The public webhook end to end: bad input, the cut, masking, rate limits, no API.

One real assistant (Rasa server, action server, SQLite log) for the module,
with low rate limits so that the limits can be reached here.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest

from clinic_channel.validation import MAX_TEXT_CHARS
from tests.support.live_log import (
    CALLBACK_REQUEST,
    eventually,
    exchanges_of,
    logged_appointments,
)
from tests.support.servers import AssistantServers, start_assistant

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PHONE = "904.265.7755"
PER_SENDER = 10
PER_ADDRESS = 60
RIGHT_TO_LEFT = (
    "\u0645\u0627 \u0647\u0648 \u0627\u0644\u062a\u0639\u0627\u0641\u064a\u061f"
)


class Webhook:
    """The running assistant and the URL of its log."""

    def __init__(self, servers: AssistantServers, database_url: str) -> None:
        self.servers = servers
        self.database_url = database_url

    def send(self, sender: str, message: str) -> "tuple[int, object]":
        body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        return self.servers.post(body, timeout_s=60)


@pytest.fixture(scope="module")
def webhook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webhook]:
    url = f"sqlite:///{tmp_path_factory.mktemp('webhook') / 'clinic.db'}"
    servers = start_assistant(
        ROOT,
        url,
        per_sender_per_minute=PER_SENDER,
        per_address_per_minute=PER_ADDRESS,
    )
    yield Webhook(servers, url)
    servers.stop()


def texts(replies: object) -> List[str]:
    assert isinstance(replies, list)
    return [str(reply.get("text") or "") for reply in replies]


def still_serving(webhook: Webhook, sender: str) -> None:
    status, replies = webhook.send(sender, "when can I walk after the procedure")
    assert status == 200
    assert "walk an hour after" in texts(replies)[0]


MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t ",
    "5000-chars": "please help me understand " * 193,
    "million-chars": "x" * 1_000_000,
    "control-chars": "how long\x07 does it\x1b take\x00?",
    "emoji": "😀🙏👍",
    "right-to-left": RIGHT_TO_LEFT,
    "html-script": "<b>hello</b><script>alert('x')</script>",
    "sql": "'; DROP TABLE exchanges; --",
}


@pytest.mark.parametrize("case", sorted(MESSAGES))
def test_odd_messages_get_a_reply_and_are_logged_verbatim_up_to_the_cut(
    webhook: Webhook, case: str
) -> None:
    message = MESSAGES[case]
    status, replies = webhook.send(f"odd-{case}", message)

    assert status == 200
    assert texts(replies) and all(texts(replies))
    rows = eventually(
        lambda: exchanges_of(webhook.database_url, f"odd-{case}"), bool, timeout_s=30
    )
    assert len(rows) == 1
    # Rasa strips surrounding whitespace; NUL cannot be stored in PostgreSQL.
    stored = message[:MAX_TEXT_CHARS].replace("\x00", "\ufffd").strip()
    assert rows[0].text == stored
    assert rows[0].text_truncated == (len(message) > MAX_TEXT_CHARS)
    still_serving(webhook, f"after-odd-{case}")


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (b"this is not json", "not valid JSON"),
        (b'{"sender": "no-message"}', '"message" is required'),
        (b'{"message": "hi"}', '"sender" is required'),
        (json.dumps({"sender": "s" * 10_000, "message": "hi"}).encode(), "longer"),
        (b'{"sender": "bytes", "message": "caf\xe9"}', "UTF-8"),
        (b'{"sender": "x", "message": "\\udc00"}', "surrogate"),
        (b'["sender", "message"]', "JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
        (b'{"sender": "x", "message": ' + b"9" * 100_000 + b"}", "too long"),
    ],
    ids=[
        "invalid-json", "no-message", "no-sender", "huge-sender", "non-utf8",
        "lone-surrogate", "array", "deep-nesting", "huge-number",
    ],
)  # fmt: skip
def test_malformed_bodies_get_a_400_with_a_reason(
    webhook: Webhook, body: bytes, mentions: str
) -> None:
    status, error = webhook.servers.post(body)

    assert status == 400
    assert mentions in json.loads(str(error))["error"]
    still_serving(webhook, f"after-{mentions.split()[-1]}")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/visitor-1/tracker"),
        ("POST", "/conversations/visitor-1/messages"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/status"),
        ("GET", "/domain"),
    ],
)
def test_rasas_http_api_is_not_served(webhook: Webhook, method: str, path: str) -> None:
    request = urllib.request.Request(
        webhook.servers.rasa_url + path, data=b"{}", method=method
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)

    assert refused.value.code in (401, 403, 404, 405)


def test_names_and_numbers_stay_in_the_request_and_out_of_the_exchanges(
    webhook: Webhook,
) -> None:
    sender = "callback-visitor"
    for message in ("my name is Ann Lee, my number is 904-555-0134", *CALLBACK_REQUEST):
        status, _ = webhook.send(sender, message)
        assert status == 200

    requests = eventually(
        lambda: logged_appointments(webhook.database_url), bool, timeout_s=30
    )
    assert [(r.name, r.phone) for r in requests] == [("Ann Lee", "904 555 0134")]
    rows = eventually(
        lambda: exchanges_of(webhook.database_url, sender),
        lambda found: len(found) == 7,
        timeout_s=30,
    )
    assert len(rows) == 7
    for row in rows:
        assert "Ann" not in row.text + row.reply
        assert "555" not in row.text + row.reply
    assert rows[0].text == "my name is [name], my number is [phone]"
    assert [rows[3].text, rows[4].text] == ["[name]", "[phone]"]


def test_a_hasty_visitor_is_asked_to_slow_down_with_the_phone_number(
    webhook: Webhook,
) -> None:
    statuses = [webhook.send("hasty", "hello")[0] for _ in range(PER_SENDER)]
    status, replies = webhook.send("hasty", "hello")

    assert statuses == [200] * PER_SENDER
    assert status == 429
    assert PHONE in texts(json.loads(str(replies)))[0]
    assert webhook.send("patient", "hello")[0] == 200


def test_one_address_cannot_flood_with_new_conversation_ids(webhook: Webhook) -> None:
    statuses = []
    for number in range(2 * PER_ADDRESS):
        statuses.append(webhook.send(f"flood-{number}", "hi")[0])
        if statuses[-1] != 200:
            break

    assert statuses[-1] == 429
    assert len(statuses) > 1
