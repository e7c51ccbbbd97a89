"""{% kept %}: the page chrome drawn once per process, shown exactly as drawn afresh."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, TemplateSyntaxError, engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape

from core.templatetags.chrome import KEPT

ENGINE = engines["django"]


def _request(path="/somewhere/?q=a&b=<x>", user=None):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    return request


_PARSED: dict[str, object] = {}


def _render(source: str, request, **values) -> str:
    """Each source parsed once, as the cached template loader does."""
    template = _PARSED.setdefault(source, ENGINE.from_string(source))
    return template.render(values, request)


class _User:
    is_authenticated = True

    def __init__(self, name: str, superuser: bool = False) -> None:
        self.name = name
        self.is_superuser = superuser

    def __str__(self) -> str:
        return self.name


NAV = (
    "{% load chrome i18n %}{% kept 'nav' user=user %}"
    '<form>{% csrf_token %}<input name="next" value="{{ request.get_full_path }}"></form>'
    "<b>{{ user }}</b>{% if user.is_superuser %}<i>admin</i>{% endif %}"
    '<span hx="{{ csrf_token }}">{% translate "Log in" %}</span>{{ secret }}{% endkept %}'
)
PLAIN = NAV.replace("{% load chrome i18n %}{% kept 'nav' user=user %}", "{% load i18n %}")
PLAIN = PLAIN.replace("{% endkept %}", "")


def _tokens(html: str) -> list[str]:
    return re.findall(r'value="([A-Za-z0-9]{64})"|hx="([A-Za-z0-9]{64})"', html)


def test_kept_chrome_is_what_the_template_draws_and_fills_the_request_parts_each_time():
    KEPT.clear()
    first = _render(NAV, _request(), secret="page value")
    drawn_once = len(KEPT)
    second_request = _request("/other/?x=\"'")
    second = _render(NAV, second_request)
    assert len(KEPT) == drawn_once == 1  # the second request drew nothing
    assert str(escape(second_request.get_full_path())) in second
    assert "/somewhere/?q=a&amp;b=%3Cx%3E" in first
    assert "page value" not in first  # the body sees only the values the tag names
    # Same text as the template without the tag, tokens aside; a fresh token each time.
    plain = _render(PLAIN, second_request)
    strip = re.compile(r"[A-Za-z0-9]{64}")
    assert strip.sub("T", second) == strip.sub("T", plain)
    assert _tokens(second)
    assert _tokens(second) != _tokens(first)


def test_the_key_holds_the_viewers_name_flags_and_the_language():
    KEPT.clear()
    somchai = _render(NAV, _request(user=_User("Somchai")))
    renamed = _render(NAV, _request(user=_User("Somchai Jaidee")))
    admin = _render(NAV, _request(user=_User("Somchai Jaidee", superuser=True)))
    assert "<b>Somchai</b>" in somchai
    assert "<b>Somchai Jaidee</b>" in renamed
    assert "<i>admin</i>" in admin
    assert "<i>admin</i>" not in renamed
    with translation.override("th"):
        thai = _render(NAV, _request())
    with translation.override("en"):
        english = _render(NAV, _request())
    assert "เข้าสู่ระบบ" in thai
    assert "Log in" in english


def test_values_must_be_plain():
    with pytest.raises(TemplateSyntaxError):
        _render("{% load chrome %}{% kept 'x' thing=thing %}{% endkept %}", _request(), thing=[1])


def test_without_a_csrf_token_the_body_is_drawn_with_the_page_context():
    KEPT.clear()
    html = ENGINE.from_string(NAV).template.render(Context({"secret": "s"}))
    assert "csrfmiddlewaretoken" not in html
    assert html.endswith("</span>s")
    assert len(KEPT) == 0


def test_an_overridden_block_inside_is_drawn_afresh():
    KEPT.clear()
    base = ENGINE.from_string(
        "{% load chrome %}{% kept 'b' %}[{% block extra %}base{% endblock %}]{% endkept %}"
    )
    child = "{% extends base %}{% block extra %}child {{ n }}{% endblock %}"
    request = _request()
    assert _render(child, request, base=base.template, n=1) == "[child 1]"
    assert _render(child, request, base=base.template, n=2) == "[child 2]"
    assert base.render({}, request) == "[base]"


@pytest.mark.django_db
def test_network_tabs_as_each_viewer_sees_them():
    KEPT.clear()
    tabs = "{% include 'network/_tabs.html' with active=active %}"

    class _Network:
        slug = "sansai"

    class _Access:
        def __init__(self, oversee):
            self.can_oversee = oversee

    request = _request()
    with translation.override("en"):
        page = {"network": _Network(), "active": "roadmap"}
        oversee = _render(tabs, request, access=_Access(True), **page)
        partner = _render(tabs, request, access=_Access(False), **page)
        no_access = _render(tabs, request, **page)
        dashboard = _render(tabs, request, access=_Access(True), **{**page, "active": "dashboard"})
    assert "/networks/sansai/dashboard/" in oversee
    assert "/networks/sansai/dashboard/" in no_access
    assert "/networks/sansai/dashboard/" not in partner
    assert 'active" aria-current="page" href="/networks/sansai/roadmap/"' in oversee
    assert 'active" aria-current="page" href="/networks/sansai/dashboard/"' in dashboard
