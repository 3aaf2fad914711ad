"""Logs a turn whose logging action could not run, from the Rasa server itself.

Every rule ends in a logging action on the action server; when that server is
down, killed or too slow, the turn would go unlogged. The channel then builds
the same record the action would have (`actions.exchange_log.turn_record`:
masked text and reply, intent, the cut mark) from Rasa's tracker, with the
fallback reply the visitor got, and hands it to the same journaled writer.
Keyed by the same (conversation, message id), it is stored once even when the
action did log the turn after all.
"""

import logging
from typing import Any, Optional

from rasa.shared.core.trackers import EventVerbosity
from rasa_sdk import Tracker

from actions.exchange_log import latest_user_event, turn_record
from clinic_log.writer import LogWriter, default_writer

logger = logging.getLogger(__name__)


async def log_failed_turn(
    agent: Any,
    sender_id: str,
    message_id: str,
    fallback_text: str,
    writer: Optional[LogWriter] = None,
) -> bool:
    """Journals the turn of `message_id`; False if Rasa kept no trace of it.

    A turn cut short by the turn timeout was never saved by Rasa, so there is
    nothing to log from; that is reported, not guessed.
    """
    stored = await agent.tracker_store.retrieve(sender_id)
    if stored is None:
        return False
    tracker = Tracker.from_dict(stored.current_state(EventVerbosity.ALL))
    user_event = latest_user_event(tracker)
    if user_event is None or user_event.get("message_id") != message_id:
        logger.warning("turn not saved by Rasa; it cannot be logged")
        return False
    record = turn_record(tracker, own_replies=[fallback_text])
    return record is not None and (writer or default_writer()).submit(record)
