"""The LINE webhook: LINE's servers post here (``/line/webhook/``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .line import InvalidSignatureError, line_enabled, webhook_events
from .line_services import line_replies_send, line_webhook_handle


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Verify the signature (a forged body is a 400 and changes nothing), act, reply."""
    if not line_enabled():
        return HttpResponseNotFound()
    signature = request.headers.get("X-Line-Signature", "")
    try:
        body = request.body.decode("utf-8")
        events = webhook_events(body, signature)
    except (InvalidSignatureError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    replies = line_webhook_handle(events=events)
    line_replies_send(replies)
    return HttpResponse("OK")
