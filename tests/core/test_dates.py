from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from core import dates
from core.forms import ThaiDateField


class DateForm(forms.Form):
    day = ThaiDateField()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("23/11/2569", dt.date(2026, 11, 23)),  # Buddhist Era
        ("23/11/2026", dt.date(2026, 11, 23)),  # Christian Era
        ("2026-11-23", dt.date(2026, 11, 23)),  # ISO, as browsers send it
        ("1.2.2570", dt.date(2027, 2, 1)),
    ],
)
def test_thai_date_field_accepts_be_and_ce(typed, stored):
    form = DateForm(data={"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == stored
    assert form.cleaned_data["day"].year != 2569


@pytest.mark.parametrize("typed", ["23/11/3500", "23/11/1500", "23/11/2300", "0023-11-23"])
def test_thai_date_field_rejects_implausible_years(typed):
    with translation.override("th"):
        form = DateForm(data={"day": typed})
        assert not form.is_valid()
        assert "ปี" in form.errors["day"][0]
    with translation.override("en"):
        form = DateForm(data={"day": typed})
        assert not form.is_valid()
        assert "not plausible" in form.errors["day"][0]


@pytest.mark.parametrize("typed", ["31/02/2569", "hello", "23-11", "99/99/2569"])
def test_thai_date_field_rejects_malformed_dates(typed):
    form = DateForm(data={"day": typed})
    assert not form.is_valid()


def test_widget_shows_buddhist_year_in_thai_and_christian_in_english():
    form = DateForm(initial={"day": dt.date(2026, 11, 23)})
    with translation.override("th"):
        assert 'value="23/11/2569"' in str(form["day"])
    with translation.override("en"):
        assert 'value="23/11/2026"' in str(form["day"])


def test_format_date_uses_buddhist_era_in_thai():
    day = dt.date(2026, 11, 23)
    with translation.override("th"):
        assert dates.format_date(day) == "23 พฤศจิกายน 2569"
        assert dates.format_date(day, short=True) == "23 พ.ย. 2569"
    with translation.override("en"):
        assert dates.format_date(day) == "23 November 2026"


def test_format_datetime_is_in_bangkok_time():
    moment = dt.datetime(2026, 11, 23, 7, 5, tzinfo=dt.UTC)
    with translation.override("th"):
        assert dates.format_datetime(moment) == "23 พฤศจิกายน 2569 14:05 น."


def test_template_filter_is_a_builtin():
    from django.template import Context, Template

    with translation.override("th"):
        out = Template("{{ d|thaidate }}").render(Context({"d": dt.date(2026, 1, 1)}))
    assert out == "1 มกราคม 2569"
