"""Form fields shared by every app."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import format_input, normalise_year

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class ThaiDateInput(forms.TextInput):
    """A text input showing dd/mm/yyyy with the year in B.E. when the page is Thai."""

    def __init__(self, attrs=None):
        base = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_input(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """Accepts 23/11/2569 (B.E.), 23/11/2026 (C.E.) or 2026-11-23; stores Gregorian.

    A year that is neither a plausible C.E. nor B.E. year is an error, never stored.
    """

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Enter a date as day/month/year, for example 23/11/2569."),
        "year": _(
            "The year %(year)s is not plausible. Use the Buddhist Era (for example 2569) "
            "or the Christian Era (for example 2026)."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        gregorian = normalise_year(year)
        if gregorian is None:
            raise ValidationError(self.error_messages["year"], code="year", params={"year": year})
        try:
            return dt.date(gregorian, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
