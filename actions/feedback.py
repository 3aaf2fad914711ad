"""Records a visitor's thumbs up or down on an answer.

The web widget sends `/feedback{"rating":"up"}` or `/feedback{"rating":"down"}`
as a message when a thumbs button under an answer is pressed. The rating is
handed to the log's background writer as a FeedbackRecord, and the feedback
message is then taken back out of the dialogue (UserUtteranceReverted plus
ActionReverted), so that a click between an offer and the visitor's answer
to it (say, "Would you like a callback?" → thumbs up → "Yes") does not
break the conversation: the assistant waits for input exactly as before.

Typed feedback without a rating ("I want to rate that answer") is a normal
turn: a short thank-you that points to the thumbs buttons, logged as an
exchange.
"""

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActionReverted, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.exchange_log import (
    LoggingAction,
    latest_user_event,
    message_id_of,
    message_time,
)
from clinic_log.records import RATINGS, FeedbackRecord

RATING_ENTITY = "rating"
NO_RATING_RESPONSE = "utter_feedback_use_buttons"


def rating_of(tracker: Tracker) -> Optional[str]:
    """The rating in the latest message ("up" or "down"), or None."""
    for value in tracker.get_latest_entity_values(RATING_ENTITY):
        rating = str(value).strip().lower()
        if rating in RATINGS:
            return rating
    return None


def feedback_record(tracker: Tracker, rating: str) -> FeedbackRecord:
    """The log record of the feedback message that is being handled.

    Its message id and time are those of the feedback message itself, named
    as the exchange log names messages.
    """
    event = latest_user_event(tracker)
    return FeedbackRecord(
        sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "",
        message_id=message_id_of(event) if event else None,
        rating=rating,
        created_at=message_time(event) if event else datetime.now(timezone.utc),
    )


class ActionRecordFeedback(LoggingAction):
    """Stores a thumbs up or down; typed feedback gets pointed to the buttons."""

    action_name = "action_record_feedback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Submits the rating silently, or thanks and logs a typed message."""
        rating = rating_of(tracker)
        if rating is None:
            await self.reply_and_log(dispatcher, tracker, domain, NO_RATING_RESPONSE)
            return []
        await self.writer.submit_from_loop(feedback_record(tracker, rating))
        # Undo the feedback message and the listen before it: the dialogue
        # state is as it was before the click.
        return [UserUtteranceReverted(), ActionReverted()]
