"""Logs each visitor message with the reply it got, exactly once per turn.

Every rule ends in one logging action (see data/rules.yml): this module's
ActionLogExchange after plain replies, or an action that logs its own turn
through `log_turn`. Records go to a background writer, so the visitor's reply
never waits on the database.
"""

from abc import ABC, abstractmethod
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_context import remembered_topic
from actions.responses import response_text
from clinic_log.masking import NAME_MASK, PHONE_MASK, mask_personal_data
from clinic_log.records import TRUNCATED_KEY, ExchangeRecord
from clinic_log.writer import LogWriter, default_writer
from clinic_nlu.vocabulary import (
    EMERGENCY_INTENT,
    FALLBACK_INTENT,
    NAME_ENTITY,
    OUT_OF_SCOPE_INTENT,
    PHONE_ENTITY,
)

# The callback form's answers: stored in the request, masked in exchange texts.
PERSONAL_SLOTS = ("callback_name", "callback_phone")
# Entities that are a name or a number: logged as placeholders only.
PERSONAL_ENTITY_MASKS = {PHONE_ENTITY: PHONE_MASK, NAME_ENTITY: NAME_MASK}


def _last_user_event_index(events: Sequence[Dict[str, Any]]) -> Optional[int]:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return index
    return None


def latest_user_event(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The visitor's last message event, or None before any message."""
    index = _last_user_event_index(tracker.events)
    return None if index is None else tracker.events[index]


def message_id_of(user_event: Dict[str, Any]) -> str:
    """The id the log keys a message by (its timestamp if Rasa gave no id)."""
    return str(user_event.get("message_id") or f"t{user_event.get('timestamp')}")


def message_time(user_event: Dict[str, Any]) -> datetime:
    """When the visitor sent the message, in UTC."""
    return datetime.fromtimestamp(float(user_event.get("timestamp") or 0), timezone.utc)


def with_button_titles(
    text: str, buttons: Optional[Sequence[Mapping[str, Any]]]
) -> str:
    """A reply as the log keeps it: its text, then the titles of its buttons.

    The same for a domain response's buttons (the greeting's topics) and an
    action's (the "did you mean…?" choices), so staff see what was offered.
    """
    if not buttons:
        return text
    return (
        text + " [" + " | ".join(str(button.get("title")) for button in buttons) + "]"
    )


def turn_record(
    tracker: Tracker, own_replies: Sequence[str] = (), own_answer_key: str = ""
) -> Optional[ExchangeRecord]:
    """Builds the log record of the current turn, or None before any message.

    The reply is every bot message since the visitor's last message, plus the
    replies the calling action is about to send (`own_replies`). Names and
    phone numbers in both texts are masked (see `clinic_log.masking`).
    """
    events = tracker.events
    user_index = _last_user_event_index(events)
    if user_index is None:
        return None
    user_event = events[user_index]
    bot_events = [
        event for event in events[user_index + 1 :] if event.get("event") == "bot"
    ]
    replies = [
        with_button_titles(str(event["text"]), (event.get("data") or {}).get("buttons"))
        for event in bot_events
        if event.get("text")
    ]
    replies.extend(own_replies)
    answer_keys = [
        str(event.get("metadata", {}).get("utter_action"))
        for event in bot_events
        if event.get("metadata", {}).get("utter_action")
    ]
    parse_data = user_event.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    intent_name = intent.get("name")
    personal = [str(tracker.get_slot(slot) or "") for slot in PERSONAL_SLOTS]
    return ExchangeRecord(
        sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "",
        message_id=message_id_of(user_event),
        time=message_time(user_event),
        text=mask_personal_data(str(user_event.get("text") or ""), personal),
        text_truncated=bool((user_event.get("metadata") or {}).get(TRUNCATED_KEY)),
        intent=intent_name,
        confidence=intent.get("confidence"),
        entities=[
            {**entity, "value": _masked_value(entity, personal)}
            for entity in parse_data.get("entities") or []
        ],
        answer_key=own_answer_key or (answer_keys[-1] if answer_keys else ""),
        reply=mask_personal_data("\n".join(replies), personal),
        is_fallback=intent_name == FALLBACK_INTENT,
        is_emergency=intent_name == EMERGENCY_INTENT,
        is_out_of_scope=intent_name == OUT_OF_SCOPE_INTENT,
    )


def _masked_value(entity: Dict[str, Any], personal: Sequence[str]) -> Any:
    """An entity's value as the log may keep it: no name or number in it."""
    mask = PERSONAL_ENTITY_MASKS.get(str(entity.get("entity")))
    if mask is not None:
        return mask
    value = entity.get("value")
    return mask_personal_data(value, personal) if isinstance(value, str) else value


async def log_turn(
    writer: LogWriter,
    tracker: Tracker,
    own_replies: Sequence[str] = (),
    own_answer_key: str = "",
) -> List[Dict[str, Any]]:
    """Hands the current turn's record to the background writer.

    Returns the event that remembers the turn's topic for a follow-up.
    """
    record = turn_record(tracker, own_replies, own_answer_key)
    if record is None:
        return []
    await writer.submit_from_loop(record)
    return remembered_topic(record.answer_key)


class LoggingAction(Action, ABC):
    """Base for actions that log the turn; the writer can be swapped in tests.

    Abstract, so that the action server does not register the base itself.
    Subclasses set `action_name` as the domain names them.
    """

    action_name: str

    def __init__(self, writer: Optional[LogWriter] = None) -> None:
        """Keeps the writer to use, or uses the process-wide one."""
        self._writer = writer

    def name(self) -> str:
        """Names the action as the domain does."""
        return self.action_name

    @abstractmethod
    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Replies (or not), logs the turn, and returns the events to apply."""

    async def reply_and_log(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        response: str,
        buttons: Sequence[Dict[str, str]] = (),
    ) -> List[Dict[str, Any]]:
        """Sends a domain response and logs the turn with it as the last reply."""
        return await self.replies_and_log(
            dispatcher, tracker, domain, [response], buttons
        )

    async def replies_and_log(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        responses: Sequence[str],
        buttons: Sequence[Dict[str, str]] = (),
    ) -> List[Dict[str, Any]]:
        """Sends domain responses in order (any buttons on the last) and logs them.

        Returns the event that remembers the topic answered, for a follow-up.
        """
        texts = [
            response_text(domain, response, tracker.slots) for response in responses
        ]
        for response, text in zip(responses[:-1], texts, strict=False):
            dispatcher.utter_message(response=response, text=text)
        dispatcher.utter_message(
            response=responses[-1], text=texts[-1], buttons=list(buttons)
        )
        texts[-1] = with_button_titles(texts[-1], buttons)
        return await log_turn(self.writer, tracker, texts, responses[-1])

    @property
    def writer(self) -> LogWriter:
        """The writer records go to."""
        if self._writer is None:
            self._writer = default_writer()
        return self._writer


class ActionLogExchange(LoggingAction):
    """Logs the visitor's message and the replies just sent; says nothing."""

    action_name = "action_log_exchange"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Submits the turn's record and remembers the topic answered."""
        return await log_turn(self.writer, tracker)
