"""The progress form drawn without crispy's templates (roadmap/_progress_fields.html)
is the markup {{ form|crispy }} drew: the same tags, classes, ids and aria attributes,
fresh, with errors on fields, on the evidence and on the whole form, in Thai and English.
Only the whitespace between tags differs."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from roadmap.forms import ProgressForm

CRISPY = Template("{% load crispy_forms_tags %}{{ form|crispy }}")


def _normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _fresh() -> ProgressForm:
    initial = {"percent": 40, "status": "in_progress", "blocked_reason": "", "version": 3}
    return ProgressForm(initial=initial, max_mb=20)


def _invalid() -> ProgressForm:
    form = ProgressForm(
        {"percent": "x", "status": "blocked", "narrative": "", "version": 3}, max_mb=20
    )
    form.is_valid()
    return form


def _quota() -> ProgressForm:
    """As the view leaves it when the network's evidence quota is full: a valid form
    with errors added on the evidence (more than one) and on the whole form."""
    form = ProgressForm(
        {"percent": 50, "status": "in_progress", "narrative": "<b>ทำแล้ว</b> & ต่อ", "version": 4},
        max_mb=20,
    )
    assert form.is_valid()
    form.add_error("files", "พื้นที่หลักฐานของเครือข่ายเต็มแล้ว")
    form.add_error("files", 'a "quoted" <second> error')
    form.add_error(None, "ทั้งฟอร์ม & <all>")
    return form


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("make", [_fresh, _invalid, _quota])
def test_the_fields_are_crispys_markup(language, make):
    with translation.override(language):
        crispy = CRISPY.render(Context({"form": make()}))
        ours = render_to_string("roadmap/_progress_fields.html", {"form": make()})
    assert _normal(ours) == _normal(crispy)


def test_a_second_drawing_adds_no_class_twice():
    form = _invalid()
    first = render_to_string("roadmap/_progress_fields.html", {"form": form})
    assert render_to_string("roadmap/_progress_fields.html", {"form": form}) == first
    assert 'class="numberinput form-control is-invalid"' in first
