"""One visit to a deployed assistant, checked the way a visitor and staff see it.

The image, Kubernetes and compose tests each start the assistant their own
way, then send this same visit through the public REST webhook and check the
answers and that the log holds each message once.
"""

from tests.support.live_log import (
    CALLBACK_REQUEST,
    eventually,
    exchanges_of,
    logged_appointments,
)
from tests.support.servers import AssistantServers

QUESTION = "roughly how long is the kyphoplasty procedure itself?"
CLINIC_PHONE = "904.265.7755"
CONFIRMATION = "callback request has been passed to the clinic"
LOG_WAIT_S = 30


def check_a_visit(webhook_base_url: str, database_url: str, sender: str) -> None:
    """A question and a callback request: answered, stored and logged once."""
    client = AssistantServers(webhook_base_url)
    answer = " ".join(reply.get("text", "") for reply in client.say(sender, QUESTION))
    assert "one hour" in answer, answer
    replies = [client.say(sender, message) for message in CALLBACK_REQUEST]
    assert CLINIC_PHONE in " ".join(r.get("text", "") for r in replies[0])
    assert CONFIRMATION in " ".join(r.get("text", "") for r in replies[-1])

    messages = 1 + len(CALLBACK_REQUEST)
    logged = eventually(
        lambda: exchanges_of(database_url, sender),
        lambda rows: len(rows) >= messages,
        LOG_WAIT_S,
    )
    assert len(logged) == messages, [row.text for row in logged]
    assert len({row.message_id for row in logged}) == messages
    requests = [a for a in logged_appointments(database_url) if a.sender_id == sender]
    assert [(a.name, a.phone) for a in requests] == [("Ann Lee", "904 555 0134")]
