"""The LINE channel: the Messaging API through LINE's own SDK (``line-bot-sdk`` v3).

Only this module talks to LINE. A push carries ``X-Line-Retry-Key`` (the delivery
row's UUID, the same on every try), and its answer is classified once here:

* 2xx, or 409 (LINE already accepted a request with that retry key): delivered;
* 429, 5xx, a 401 or no answer at all: try again later, with the same key;
* 400, 403, 404 (a person who blocked the account, or an id LINE does not know):
  unreachable — the caller unlinks and falls back to email.

With ``LINE_CHANNEL_SECRET`` and ``LINE_CHANNEL_ACCESS_TOKEN`` unset the feature is
off (``line_enabled()``): no page offers linking and nothing is pushed.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

if TYPE_CHECKING:
    from linebot.v3.messaging import ApiClient

# The SDK (pydantic models for the whole Messaging API, ~20 MB) is imported by the
# functions that talk to LINE: a web worker that never serves the webhook or pushes
# never loads it (docs/performance.md, web worker memory).

log = logging.getLogger(__name__)

# LINE's limit for one text message.
TEXT_LIMIT = 5000
TIMEOUT_SECONDS = 10

__all__ = [
    "InvalidSignatureError",
    "Outcome",
    "PushResult",
    "line_enabled",
    "line_push_text",
    "line_reply_text",
    "webhook_events",
]


class InvalidSignatureError(ValueError):
    """A webhook body whose signature is not the channel secret's HMAC of it."""


def line_enabled() -> bool:
    return bool(settings.LINE_CHANNEL_SECRET and settings.LINE_CHANNEL_ACCESS_TOKEN)


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    status: int = 0
    error: str = ""


def classify(status: int) -> Outcome:
    """What an HTTP status from LINE means for a push made with a retry key."""
    if 200 <= status < 300 or status == 409:  # 409: accepted before with this key
        return Outcome.DELIVERED
    if status in (400, 403, 404):
        return Outcome.UNREACHABLE
    return Outcome.RETRY  # 429, 5xx, 401 (a token being rotated), 0 (no answer)


def _client() -> ApiClient:
    from linebot.v3.messaging import ApiClient, Configuration  # noqa: PLC0415 - see above

    configuration = Configuration(
        host=settings.LINE_API_BASE_URL, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
    )
    configuration.retries = 0  # retries are ours, with the same retry key and backoff
    return ApiClient(configuration)


def line_push_text(*, to: str, text: str, retry_key: str) -> PushResult:
    """Push one text message; never raises for what LINE (or the network) answers."""
    from linebot.v3.messaging import (  # noqa: PLC0415 - see the imports
        MessagingApi,
        PushMessageRequest,
        TextMessage,
    )
    from linebot.v3.messaging.exceptions import ApiException  # noqa: PLC0415

    request = PushMessageRequest(to=to, messages=[TextMessage(text=text[:TEXT_LIMIT])])
    try:
        with _client() as client:
            MessagingApi(client).push_message(
                request, x_line_retry_key=retry_key, _request_timeout=TIMEOUT_SECONDS
            )
    except ApiException as exc:
        status = int(exc.status or 0)
        body = exc.body.decode(errors="replace") if isinstance(exc.body, bytes) else exc.body
        return PushResult(classify(status), status, f"{status} {body or exc.reason}"[:300])
    except (Urllib3Error, OSError) as exc:
        return PushResult(Outcome.RETRY, 0, f"no answer: {exc}"[:300])
    return PushResult(Outcome.DELIVERED, 200)


def line_reply_text(*, reply_token: str, text: str) -> bool:
    """Answer a webhook event (free of charge); a failure is only logged."""
    from linebot.v3.messaging import (  # noqa: PLC0415 - see the imports
        MessagingApi,
        ReplyMessageRequest,
        TextMessage,
    )
    from linebot.v3.messaging.exceptions import ApiException  # noqa: PLC0415

    request = ReplyMessageRequest(replyToken=reply_token, messages=[TextMessage(text=text)])
    try:
        with _client() as client:
            MessagingApi(client).reply_message(request, _request_timeout=TIMEOUT_SECONDS)
    except (ApiException, Urllib3Error, OSError) as exc:
        log.warning("LINE reply failed: %s", exc)
        return False
    return True


def webhook_events(body: str, signature: str) -> list:
    """The events of a webhook body; ``InvalidSignatureError`` when the signature is not
    the channel secret's HMAC-SHA256 of the body."""
    from linebot.v3 import WebhookParser  # noqa: PLC0415 - see the imports
    from linebot.v3.exceptions import InvalidSignatureError as Invalid  # noqa: PLC0415

    try:
        return WebhookParser(settings.LINE_CHANNEL_SECRET).parse(body, signature)
    except Invalid as exc:
        raise InvalidSignatureError(str(exc)) from exc
