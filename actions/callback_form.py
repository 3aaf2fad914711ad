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
from actions.form_answers import READERS, Reading, VisitorMessage, read_answer
from clinic_log.records import AppointmentRecord

CALLBACK_SLOTS = ("callback_name", "callback_phone", "callback_time", "callback_reason")
REQUESTED_SLOT = "requested_slot"
FORM_NAME = "callback_form"
# What the form says when a slot was given unasked (a one-shot request or a
# correction), so the visitor sees what will be stored.
NOTED_RESPONSES = {
    "callback_name": "utter_callback_name_noted",
    "callback_phone": "utter_callback_phone_noted",
}

Validated = Dict[str, Any]


def _accept_or_reask(
    slot: str, value: Optional[str], dispatcher: CollectingDispatcher
) -> Validated:
    """Sets `slot` to `value`, or clears it and says why when `value` is None."""
    if value is None:
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
    return {slot: value}


def _checked(slot: str, value: Any) -> Optional[str]:
    return None if value is None else READERS[slot](str(value))


class ValidateCallbackForm(FormValidationAction):
    """Reads each answer itself, then checks it; a rejected answer gets a re-ask.

    Every slot has a custom mapping in the domain, so the `extract_` methods
    decide what an answer is (see `actions.form_answers`). Returning nothing
    for the requested slot rejects the form's turn, and the rules take it.
    """

    def name(self) -> str:
        """Names the action as the domain does."""
        return "validate_callback_form"

    async def extract_callback_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> Validated:
        """Reads the answer when the form asked for the name."""
        return _extracted("callback_name", tracker)

    async def extract_callback_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> Validated:
        """Reads the answer when the form asked for the phone number."""
        return _extracted("callback_phone", tracker)

    async def extract_callback_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> Validated:
        """Reads the answer when the form asked for the best time."""
        return _extracted("callback_time", tracker)

    async def extract_callback_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> Validated:
        """Reads the answer when the form asked for the reason."""
        return _extracted("callback_reason", tracker)

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *_: Any
    ) -> Validated:
        """Validates the name (rasa-sdk finds these methods by slot name)."""
        return _validated("callback_name", value, dispatcher, tracker)

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *_: Any
    ) -> Validated:
        """Validates the phone number."""
        return _validated("callback_phone", value, dispatcher, tracker)

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *_: Any
    ) -> Validated:
        """Validates the best time to call."""
        return _validated("callback_time", value, dispatcher, tracker)

    def validate_callback_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *_: Any
    ) -> Validated:
        """Validates the optional reason."""
        return _validated("callback_reason", value, dispatcher, tracker)


def _extracted(slot: str, tracker: Tracker) -> Validated:
    """The form's reading of the visitor's answer to its question for `slot`.

    Only the message that answers the question counts: not the turn the form
    comes back to after a rule answered a question, and not other slots'.
    """
    if tracker.get_slot(REQUESTED_SLOT) != slot or not _answers_the_form(tracker):
        return {}
    user_event = latest_user_event(tracker) or {}
    message = VisitorMessage.from_parse(
        str(user_event.get("text") or ""), tracker.latest_message
    )
    answer = read_answer(slot, message)
    if answer.reading is Reading.VALUE:
        return {slot: answer.value}
    if answer.reading is Reading.INVALID:
        return {slot: None}
    return {}


def _answers_the_form(tracker: Tracker) -> bool:
    """Whether the form runs straight after the visitor's message.

    Rasa shows the validation a tracker that ends with the form's own run;
    any other action between the message and it (a rule's answer) means the
    form is only coming back to ask again.
    """
    user_index = max(
        (
            index
            for index, event in enumerate(tracker.events)
            if event["event"] == "user"
        ),
        default=-1,
    )
    actions = [
        event.get("name")
        for event in tracker.events[user_index + 1 :]
        if event["event"] == "action"
    ]
    return actions == [FORM_NAME]


def _validated(
    slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Validated:
    """Checks a value however it came; one given unasked is confirmed aloud."""
    checked = _checked(slot, value)
    given_unasked = tracker.get_slot(REQUESTED_SLOT) != slot
    if checked is not None and given_unasked and slot in NOTED_RESPONSES:
        dispatcher.utter_message(response=NOTED_RESPONSES[slot], value=checked)
    return _accept_or_reask(slot, checked, dispatcher)


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
        await self.reply_and_log(dispatcher, tracker, domain, f"utter_ask_{self.slot}")
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
            await self.writer.submit_from_loop(record)
        await self.reply_and_log(
            dispatcher, tracker, domain, "utter_callback_confirmed"
        )
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
        await log_turn(self.writer, tracker)
        return _cleared_slots()
