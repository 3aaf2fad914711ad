"""The guarded REST channel: same URL and replies as Rasa's, safe to expose."""

import asyncio
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from redis import asyncio as redis_asyncio
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic_channel.rate_limit import Limiter, RateLimiter, SharedRateLimiter
from clinic_channel.settings import ChannelSettings
from clinic_channel.turn_log import log_failed_turn
from clinic_channel.validation import Refusal, VisitorMessage, parse_body
from clinic_facts import CLINIC_PHONE
from clinic_log.records import TRUNCATED_KEY
from clinic_rasa import action_call, ensure_installed, failures, worker_gc
from clinic_rasa.lock_store import ENV_REDIS_URL

logger = logging.getLogger(__name__)

FALLBACK_TEXT = (
    "Sorry, part of this assistant is not working right now. To be sure you get "
    f"what you need, please call the clinic at {CLINIC_PHONE}."
)
RATE_LIMITED_TEXT = (
    "You are sending messages faster than I can answer them. Please wait a "
    f"moment and try again, or call the clinic at {CLINIC_PHONE}."
)

Handler = Callable[[UserMessage], Awaitable[Any]]


class ClinicRestInput(RestInput):
    """Rasa's REST channel with validation, rate limits and a phone-number fallback.

    Named "rest" like Rasa's, so the webhook stays /webhooks/rest/webhook and
    trackers keep saying which channel a message came from.
    """

    @classmethod
    def name(cls) -> str:
        """The URL segment and the channel name in trackers."""
        return "rest"

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[str, Any]]
    ) -> "ClinicRestInput":
        """Builds the channel from its credentials.yml section."""
        return cls(ChannelSettings.from_credentials(credentials))

    def __init__(self, settings: Optional[ChannelSettings] = None) -> None:
        """Keeps the limits; installs the Rasa seam if the launcher did not."""
        self.settings = settings or ChannelSettings()
        self._per_sender, self._per_address = _limiters(self.settings)
        ensure_installed(self.settings.seam())

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """The health check and the guarded webhook."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        # Rasa loads the model before the server starts.
        @webhook.listener("after_server_start")  # type: ignore[untyped-decorator]
        async def freeze_model(*_: object) -> None:
            worker_gc.freeze_loaded_objects()

        @webhook.listener("after_server_stop")  # type: ignore[untyped-decorator]
        async def close_action_sessions(*_: object) -> None:
            await action_call.close_sessions()

        return webhook

    async def _receive(self, request: Request, on_new_message: Handler) -> HTTPResponse:
        if request.args.get("stream"):
            return _refuse(Refusal(400, "streaming replies are not offered"))
        parsed = parse_body(request.body)
        if isinstance(parsed, Refusal):
            return _refuse(parsed)
        limited = await self._rate_limited(parsed.sender, request.ip)
        if limited is not None:
            return limited
        replies, failed_message_id = await self._replies(parsed, on_new_message)
        if failed_message_id is not None:
            await self._log_failed_turn(request, parsed.sender, failed_message_id)
        return response.json(replies)

    async def _rate_limited(self, sender: str, address: str) -> Optional[HTTPResponse]:
        """A friendly 429 with the phone number, or None when within the limits."""
        for limiter, key in ((self._per_address, address), (self._per_sender, sender)):
            retry_after_s = await limiter.take(key)
            if retry_after_s is not None:
                logger.warning(
                    "rate limit reached for a %s",
                    "sender" if limiter is self._per_sender else "client address",
                )
                return response.json(
                    [{"recipient_id": sender, "text": RATE_LIMITED_TEXT}],
                    status=429,
                    headers={"Retry-After": str(retry_after_s)},
                )
        return None

    async def _replies(
        self, message: VisitorMessage, on_new_message: Handler
    ) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        """Runs the turn; adds the phone number if any part of it failed.

        Returns the replies and, if the turn failed, its message id.
        """
        collector = CollectingOutputChannel()
        user_message = UserMessage(
            message.text,
            collector,
            message.sender,
            input_channel=self.name(),
            message_id=uuid.uuid4().hex,
            metadata={TRUNCATED_KEY: message.truncated},
        )
        with failures.TurnWatch() as watch:
            failed = await self._run_turn(on_new_message, user_message)
        replies: List[Dict[str, Any]] = collector.messages
        if not (failed or watch.failures):
            return replies, None
        replies.append({"recipient_id": message.sender, "text": FALLBACK_TEXT})
        return replies, user_message.message_id

    async def _log_failed_turn(
        self, request: Request, sender: str, message_id: str
    ) -> None:
        """Logs the turn the action server could not; never fails the reply."""
        try:
            await log_failed_turn(
                request.app.ctx.agent, sender, message_id, FALLBACK_TEXT
            )
        except Exception as error:
            logger.error("could not log a failed turn: %s", type(error).__name__)

    async def _run_turn(self, on_new_message: Handler, message: UserMessage) -> bool:
        """True if the turn raised or ran out of time; never logs visitor text."""
        try:
            await asyncio.wait_for(
                on_new_message(message), timeout=self.settings.turn_timeout_s
            )
        except asyncio.TimeoutError:
            logger.error(
                "turn not finished within %.0f s", self.settings.turn_timeout_s
            )
            return True
        except Exception as error:  # the visitor must still get an answer
            logger.error("turn failed: %s", type(error).__name__)
            logger.debug("turn failure details", exc_info=error)
            return True
        return False


def _limiters(settings: ChannelSettings) -> Tuple[Limiter, Limiter]:
    """Per-sender and per-address limiters: in Redis if REDIS_URL is set.

    With REDIS_URL, Rasa runs several workers (clinic_launch/run.py), and limits
    kept in each worker's memory would let a visitor send several times more.
    """
    redis_url = os.environ.get(ENV_REDIS_URL, "").strip()
    if not redis_url:
        return (
            RateLimiter(settings.per_sender_per_minute),
            RateLimiter(settings.per_address_per_minute),
        )
    redis = redis_asyncio.Redis.from_url(redis_url)
    return (
        SharedRateLimiter(settings.per_sender_per_minute, redis, "sender"),
        SharedRateLimiter(settings.per_address_per_minute, redis, "address"),
    )


def _refuse(refusal: Refusal) -> HTTPResponse:
    return response.json({"error": refusal.error}, status=refusal.status)
