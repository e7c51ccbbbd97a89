from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.kept import Kept
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.rendered import digest
from roadmap.selectors import wins_recent_read, wins_recent_rows

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, None when missing (dicts keyed by code or id)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def health_rows(response):
    """(item, score) for the 12 items, in the deck's order."""
    scores = response.scores()
    return [(item, scores.get(item.code)) for item in HEALTH_ITEMS]


# The recent wins' fragment per state of its rows (a few hundred bytes each).
recent_wins_kept = Kept(256)


@register.simple_tag
def recent_wins(network, limit: int = 3) -> SafeString:
    """Recent short-term wins (step 6), for pages outside the roadmap such as the
    network page: the hub cannot import roadmap, so it loads this tag instead.

    One query (``wins_recent_read``: the wins with their credits as plain rows); the
    fragment is drawn only when those rows, the network's slug, the language, the URL
    prefix or the URLconf differ from a kept one, since it shows nothing else."""
    rows = wins_recent_read(network=network, limit=limit)
    key = (
        network.pk,
        network.slug,
        limit,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        digest(rows),
    )
    return recent_wins_kept.get_or_render(
        key,
        lambda: render_to_string(
            "roadmap/_recent_wins.html", {"wins": wins_recent_rows(rows), "network": network}
        ),
    )


@register.filter
def bootstrap_widget(field) -> SafeString:
    """A field's widget as crispy-bootstrap5's ``{% crispy_field %}`` draws it: the widget's
    own class name first (``numberinput``, ``select``), then Bootstrap's ``form-select``
    or ``form-control``, and ``is-invalid`` when the field has errors; the ``aria-*``
    attributes are Django's own. For ``roadmap/_progress_fields.html``, which draws the
    deadline day's progress form without crispy's templates (a quarter to a third of
    the update's template time; docs/performance.md, sixteenth pass)."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if name not in css:
        css = f"{css} {name}" if css else name
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for extra in (bootstrap, "is-invalid") if field.errors else (bootstrap,):
        if extra not in css.split():
            css += f" {extra}"
    # Handed to this drawing only: the form's widget keeps its own attributes.
    return field.as_widget(attrs={"class": css})


@register.filter
def bootstrap_file_input(field) -> SafeString:
    """A file field's ``<input>`` as crispy-bootstrap5's ``layout/field_file.html``
    writes it (``form-control`` first, the widget's attributes after); for a field
    that never has an initial file, as the progress form's evidence."""
    data = field.subwidgets[0].data
    attrs = data["attrs"]
    css = "form-control" + (f" {attrs['class']}" if attrs.get("class") else "")
    if field.errors:
        css += " is-invalid"
    html = (
        f'<input type="{escape(data["type"])}" name="{escape(data["name"])}" class="{escape(css)}"'
    )
    if field.field.disabled:
        html += " disabled"
    for name, value in attrs.items():
        if value is not False and name != "class":
            html += f" {name}" if value is True else f' {name}="{escape(str(value))}"'
    # Every value above is escaped; the attribute names are the widget's own.
    return mark_safe(html + ">")
