"""How a page holding a form answers: 200 when shown, 422 when what was posted was refused.

Every app renders its form pages through ``render_form`` so an invalid form (or a
service that said no) answers the same status everywhere: a browser shows the page
with its errors, a client or test can tell "refused" from "shown".
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

UNPROCESSABLE = 422


def render_form(
    request: HttpRequest, template: str, context: dict, *, refused: bool | None = None
) -> HttpResponse:
    """Render ``template``; 422 when ``refused`` (by default: when this is a POST that
    reached the render instead of redirecting, which means the form was invalid)."""
    if refused is None:
        refused = request.method == "POST"
    return render(request, template, context, status=UNPROCESSABLE if refused else 200)
