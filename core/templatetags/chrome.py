"""``{% kept %}``: the page chrome drawn once per process and reused (issue 17).

Every page draws the same navigation, language form, account menu, footer and, on a
network's pages, the same section tabs. Those parts change only with a handful of
values: the language, the URL prefix, the viewer's name and flags, the network's slug,
the active tab. ``{% kept "name" key=value … %}…{% endkept %}`` draws its body once
per such key and keeps the text in ``core.kept.Kept``:

- the body sees **only** the values named in the tag (and nothing else of the page's
  context), so everything it is drawn from is in the key: a value it does not name
  renders empty, the same on every request, and a test of the page shows it at once;
- ``user=`` is reduced to what the chrome shows of a viewer (signed in, superuser,
  display name), and the key holds those, never the object;
- the key also holds the language, the script prefix, the URLconf and the tag itself
  (a template parsed again, after an edit, gets a new tag and so new keys);
- the per-request parts are drawn outside the kept text: ``{{ csrf_token }}`` and
  ``{% csrf_token %}`` (a new masked token on every response) and
  ``{{ request.get_full_path }}`` are placeholders filled on each request;
- a ``{% block %}`` inside the body that a child template overrides, or a request
  without a CSRF token, draws the body afresh with the page's whole context.

Values must be plain (str, int, bool, None): pass ``x|yesno:"1,"`` for a flag.
"""

from __future__ import annotations

import itertools
import re

from django import template
from django.template.base import Node, NodeList
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.kept import Kept

register = template.Library()

# Per process: languages × prefixes × viewers' names × networks' tabs. A few thousand
# short strings at most; the least recently used go first.
KEPT = Kept(4096)

_CSRF = "\x1fkept-csrf-token\x1f"
_PATH = "\x1fkept-full-path\x1f"
_HOLES = re.compile(f"({_CSRF}|{_PATH})")
# What django.template.context_processors.csrf gives when there is no token.
_NO_TOKEN = "NOTPROVIDED"  # noqa: S105 - a marker, not a secret
_PLAIN = (str, int, bool, type(None))
_ids = itertools.count()


class _Viewer:
    """What the chrome shows of a user; the key holds the same three values."""

    __slots__ = ("display", "is_authenticated", "is_superuser")

    def __init__(self, user) -> None:
        self.is_authenticated = bool(getattr(user, "is_authenticated", False))
        self.is_superuser = bool(getattr(user, "is_superuser", False))
        self.display = str(user)

    def __str__(self) -> str:
        return self.display

    def key(self) -> tuple:
        return (self.is_authenticated, self.is_superuser, self.display)


class _Request:
    """The request as the kept body sees it: its full path is filled in per request."""

    __slots__ = ()

    def get_full_path(self) -> str:
        return _PATH


class KeptNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, name: str, values: dict, nodelist: NodeList) -> None:
        self.name = name
        self.values = values
        self.nodelist = nodelist
        self.uid = next(_ids)
        self.blocks = [node.name for node in nodelist.get_nodes_by_type(BlockNode)]

    def render(self, context) -> str:
        token = context.get("csrf_token")
        token = str(token) if token else ""
        if not token or token == _NO_TOKEN or self._block_overridden(context):
            return self.nodelist.render(context)
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = [self.uid, get_language(), get_script_prefix(), get_urlconf()]
        for name, value in sorted(values.items()):
            if name == "user":
                value = values[name] = _Viewer(value)
                key.append((name, value.key()))
            elif isinstance(value, _PLAIN):
                key.append((name, value))
            else:
                raise template.TemplateSyntaxError(
                    f"{{% kept {self.name!r} %}}: {name} is a {type(value).__name__}; "
                    "pass a plain value"
                )
        parts = KEPT.get_or_render(tuple(key), lambda: self._draw(context, values))
        request = context.get("request")
        fill = {
            _CSRF: conditional_escape(token),
            _PATH: conditional_escape(request.get_full_path()) if request else "",
        }
        return mark_safe("".join(fill.get(part, part) for part in parts))

    def _draw(self, context, values: dict) -> tuple[str, ...]:
        values = {**values, "csrf_token": _CSRF, "request": _Request()}
        # Only the named values: ``new`` drops the page's context and its processors.
        text = self.nodelist.render(context.new(values))
        return tuple(_HOLES.split(text))

    def _block_overridden(self, context) -> bool:
        if not self.blocks:
            return False
        block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
        if block_context is None:
            return False
        return any(len(block_context.blocks.get(name, ())) > 1 for name in self.blocks)


@register.tag("kept")
def do_kept(parser, token) -> KeptNode:
    """``{% kept "name" key=value … %}…{% endkept %}``: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("{% kept %} takes a quoted name first")
    values = {}
    for bit in bits[2:]:
        name, sep, expression = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError(f"{{% kept %}}: {bit!r} is not name=value")
        values[name] = parser.compile_filter(expression)
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(bits[1][1:-1], values, nodelist)
