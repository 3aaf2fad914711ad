"""The callback request: a form that collects name, phone, best time and reason.

Each question of the form is asked by a custom action that also logs the turn,
because a form turn ends with the question and no rule step can follow it.
"""

from abc import abstractmethod
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.exchange_log import (
    LoggingAction,
    latest_user_event,
    log_turn,
    message_id_of,
)
from actions.phone import is_us_phone_number
from clinic_log.records import AppointmentRecord

CALLBACK_SLOTS = ("callback_name", "callback_phone", "callback_time", "callback_reason")
MAX_NAME_LENGTH = 100
MAX_TIME_LENGTH = 200
MAX_REASON_LENGTH = 500
SKIP_WORDS = {"skip", "no", "none", "nothing", "n/a", "na", "no thanks", "-", "pass"}

Validated = Dict[str, Any]


def _cleaned(slot_value: Any) -> str:
    return " ".join(str(slot_value or "").split())


def _accept_or_reask(
    slot: str, value: Optional[str], dispatcher: CollectingDispatcher
) -> Validated:
    """Sets `slot` to `value`, or clears it and says why when `value` is None."""
    if value is None:
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
    return {slot: value}


def checked_name(answer: Any) -> Optional[str]:
    """Up to 100 characters containing at least one letter."""
    name = _cleaned(answer)
    if len(name) <= MAX_NAME_LENGTH and any(char.isalpha() for char in name):
        return name
    return None


def checked_phone(answer: Any) -> Optional[str]:
    """A valid US number, kept exactly as the visitor wrote it."""
    phone = str(answer or "").strip()
    return phone if is_us_phone_number(phone) else None


def checked_time(answer: Any) -> Optional[str]:
    """Any short answer with a letter or digit."""
    best_time = _cleaned(answer)
    if len(best_time) <= MAX_TIME_LENGTH and any(c.isalnum() for c in best_time):
        return best_time
    return None


def checked_reason(answer: Any) -> Optional[str]:
    """Optional: "skip" gives an empty reason; overly long notes are refused."""
    reason = str(answer or "").strip()
    if reason.lower().strip(".! ") in SKIP_WORDS:
        return ""
    return reason if len(reason) <= MAX_REASON_LENGTH else None


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer; a rejected answer gets a clear re-ask."""

    def name(self) -> str:
        """Names the action as the domain does."""
        return "validate_callback_form"

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, *_: Any
    ) -> Validated:
        """Validates the name (rasa-sdk finds these methods by slot name)."""
        return _accept_or_reask("callback_name", checked_name(value), dispatcher)

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, *_: Any
    ) -> Validated:
        """Validates the phone number."""
        return _accept_or_reask("callback_phone", checked_phone(value), dispatcher)

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, *_: Any
    ) -> Validated:
        """Validates the best time to call."""
        return _accept_or_reask("callback_time", checked_time(value), dispatcher)

    def validate_callback_reason(
        self, value: Any, dispatcher: CollectingDispatcher, *_: Any
    ) -> Validated:
        """Validates the optional reason."""
        return _accept_or_reask("callback_reason", checked_reason(value), dispatcher)


class AskCallbackSlot(LoggingAction):
    """Asks for one slot of the form and logs the turn that ends with the question."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for; abstract, so the base is not registered."""

    def name(self) -> str:
        """Follows Rasa's naming, so the form finds the action by slot name."""
        return f"action_ask_{self.slot}"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the question, then logs it with the visitor's message."""
        self.reply_and_log(dispatcher, tracker, domain, f"utter_ask_{self.slot}")
        return []


class ActionAskCallbackName(AskCallbackSlot):
    """Asks for the visitor's name."""

    slot = "callback_name"


class ActionAskCallbackPhone(AskCallbackSlot):
    """Asks for the number to call."""

    slot = "callback_phone"


class ActionAskCallbackTime(AskCallbackSlot):
    """Asks for the best time to call."""

    slot = "callback_time"


class ActionAskCallbackReason(AskCallbackSlot):
    """Asks for an optional reason."""

    slot = "callback_reason"


def appointment_record(tracker: Tracker) -> Optional[AppointmentRecord]:
    """The callback request as collected, tied to the visitor's last message."""
    user_event = latest_user_event(tracker)
    if user_event is None:
        return None
    return AppointmentRecord(
        sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "",
        message_id=message_id_of(user_event),
        name=str(tracker.get_slot("callback_name")),
        phone=str(tracker.get_slot("callback_phone")),
        best_time=str(tracker.get_slot("callback_time")),
        reason=tracker.get_slot("callback_reason") or None,
        created_at=datetime.now(timezone.utc),
    )


def _cleared_slots() -> List[Dict[str, Any]]:
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS]


class ActionSubmitCallback(LoggingAction):
    """Stores the completed request as `new` and confirms it to the visitor."""

    action_name = "action_submit_callback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Queues the request, confirms, logs the turn and clears the slots."""
        record = appointment_record(tracker)
        if record is not None:
            self.writer.submit(record)
        self.reply_and_log(dispatcher, tracker, domain, "utter_callback_confirmed")
        return _cleared_slots()


class ActionEndCallbackRequest(LoggingAction):
    """Ends an interrupted request: clears what was collected and logs the turn."""

    action_name = "action_end_callback_request"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """The reply was already sent by the rule; this logs it and cleans up."""
        log_turn(self.writer, tracker)
        return _cleared_slots()
