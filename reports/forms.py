from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import format_date, format_input
from core.forms import ThaiDateField

from . import periods as P
from .models import ProgressReport, ReminderPreference, ReportingPeriod, ReportingSchedule
from .selectors.plan import shaping_fields

# A custom schedule lists at most this many end dates (years of monthly rounds).
CUSTOM_DATES_MAX = 120
# As ReportingPeriod.name_th / name_en.
PERIOD_NAME_MAX = 200
SEMESTER_FIELDS = ("semester1_starts", "semester1_ends", "semester2_starts", "semester2_ends")


def _day_list(text: str, *, field_label: str) -> list[int]:
    """ "7, 1" → [7, 1]; each a whole number of days from 0 to 60."""
    days: list[int] = []
    for part in (text or "").replace("،", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 <= int(part) <= 60:
            raise ValidationError(
                _("%(label)s: write whole numbers of days from 0 to 60, separated by commas."),
                params={"label": field_label},
            )
        days.append(int(part))
    return sorted(set(days), reverse=True)


class ReportFilterForm(forms.Form):
    """The reports list's filter (GET); an unknown value shows every report."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProgressReport.Status.choices],
    )


class MonthDayField(forms.CharField):
    """A day and month typed as 16/05 (day first, as Thai dates are written); stored
    as "05-16". 29 February is refused: a term date must exist every year."""

    default_error_messages = {
        "invalid": _("Write a day and a month, for example 16/05."),
        "no_such_day": _("That day is not in the calendar every year; choose another."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)  # left empty: the current term date stays
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": _("dd/mm"), "inputmode": "numeric"}),
        )
        super().__init__(**kwargs)

    @staticmethod
    def display(stored: str) -> str:
        """ "05-16" → "16/05"."""
        try:
            month, day = P.parse_month_day(stored)
        except P.TermsError:
            return stored
        return f"{day:02d}/{month:02d}"

    def to_python(self, value) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        match = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})", text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day, month = int(match.group(1)), int(match.group(2))
        stored = f"{month:02d}-{day:02d}"
        try:
            P.parse_month_day(stored)
        except P.TermsError:
            raise ValidationError(self.error_messages["no_such_day"], code="no_such_day") from None
        return stored


class ScheduleForm(forms.ModelForm):
    starts_on = ThaiDateField(label=_("First period starts on"))
    semester1_starts = MonthDayField(
        label=_("Semester 1 starts"),
        help_text=_("Only for semesters: day/month, for example 16/05."),
    )
    semester1_ends = MonthDayField(label=_("Semester 1 ends"))
    semester2_starts = MonthDayField(label=_("Semester 2 starts"))
    semester2_ends = MonthDayField(label=_("Semester 2 ends"))
    remind_days_before = forms.CharField(
        label=_("Remind this many days before the due date"),
        required=False,
        help_text=_("Separate with commas, for example 7, 1."),
    )
    remind_days_after = forms.CharField(
        label=_("Remind this many days after the due date"),
        required=False,
        help_text=_("Separate with commas, for example 3."),
    )
    custom_end_dates = forms.CharField(
        label=_("Custom period end dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only for custom dates: one date per line, for example 31/07/2569. A name may "
            "follow the date, in Thai | in English: 31/07/2569 รอบกลางภาค | Mid-term round. "
            "Without one, periods are named Round 1, Round 2…"
        ),
    )
    due_day = forms.IntegerField(
        label=_("Due day"),
        min_value=0,
        max_value=90,
        help_text=_(
            "Days after the period ends; 5 means the 5th of the month after a monthly, "
            "quarterly or semester period."
        ),
    )

    class Meta:
        model = ReportingSchedule
        fields = [
            "frequency",
            "starts_on",
            "due_day",
            *SEMESTER_FIELDS,
            "custom_end_dates",
            "remind_days_before",
            "remind_on_due_day",
            "remind_days_after",
            "escalate_after_days",
            "escalate_chair_after_days",
            "send_time",
            "quiet_start",
            "quiet_end",
            "weekly_cap",
        ]
        widgets = {
            "send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if not self.is_bound:
            self.initial["remind_days_before"] = ", ".join(
                str(d) for d in instance.remind_days_before or []
            )
            self.initial["remind_days_after"] = ", ".join(
                str(d) for d in instance.remind_days_after or []
            )
            names = instance.custom_names or {}
            self.initial["custom_end_dates"] = "\n".join(
                _custom_line(str(d), names.get(str(d)) or {})
                for d in instance.custom_end_dates or []
            )
            for name in SEMESTER_FIELDS:
                self.initial[name] = MonthDayField.display(getattr(instance, name))
        self.fields["weekly_cap"].min_value = 1
        self._custom_names: dict[str, dict[str, str]] = {}

    def clean_remind_days_before(self) -> list[int]:
        return _day_list(
            self.cleaned_data.get("remind_days_before", ""),
            field_label=self.fields["remind_days_before"].label,
        )

    def clean_remind_days_after(self) -> list[int]:
        return _day_list(
            self.cleaned_data.get("remind_days_after", ""),
            field_label=self.fields["remind_days_after"].label,
        )

    def clean_custom_end_dates(self) -> list[str]:
        """One period end per line: a date, then optionally its name (Thai | English)."""
        parser = ThaiDateField()
        lines = [
            line.strip()
            for line in (self.cleaned_data.get("custom_end_dates") or "").splitlines()
            if line.strip()
        ]
        if len(lines) > CUSTOM_DATES_MAX:
            raise ValidationError(
                _("List at most %(max)s end dates."), params={"max": CUSTOM_DATES_MAX}
            )
        found: dict[str, tuple[str, str]] = {}
        for number, line in enumerate(lines, start=1):
            token, _space, rest = line.partition(" ")
            try:
                day = parser.clean(token)
            except ValidationError as error:
                raise ValidationError(
                    _("Line %(number)s: %(error)s"),
                    params={"number": number, "error": " ".join(error.messages)},
                ) from None
            name_th, _bar, name_en = (part.strip() for part in rest.partition("|"))
            if len(name_th) > PERIOD_NAME_MAX or len(name_en) > PERIOD_NAME_MAX:
                raise ValidationError(
                    _("Line %(number)s: a name may have at most %(max)s characters."),
                    params={"number": number, "max": PERIOD_NAME_MAX},
                )
            found[day.isoformat()] = (name_th, name_en)
        self._custom_names = {
            day: {"th": th, "en": en} for day, (th, en) in found.items() if th or en
        }
        return sorted(found)

    def clean_weekly_cap(self) -> int:
        cap = self.cleaned_data["weekly_cap"]
        if cap < 1:
            raise ValidationError(_("Allow at least one reminder a week."))
        return cap

    def clean(self):
        data = super().clean()
        data["custom_names"] = self._custom_names
        for name in SEMESTER_FIELDS:
            if name not in self.errors and not data.get(name):
                data[name] = getattr(self.instance, name)
        custom = data.get("frequency") == ReportingSchedule.Frequency.CUSTOM
        if custom and "custom_end_dates" in data:
            ends = data["custom_end_dates"]
            if not ends:
                self.add_error("custom_end_dates", _("Custom dates need at least one end date."))
            elif data.get("starts_on") and ends[-1] < data["starts_on"].isoformat():
                self.add_error(
                    "custom_end_dates",
                    _("Every end date is before the first day: no period would open."),
                )
        if all(data.get(name) for name in SEMESTER_FIELDS):
            try:
                P.Terms.from_strings(*(data[name] for name in SEMESTER_FIELDS))
            except P.TermsError:
                self.add_error(
                    "semester2_starts",
                    _(
                        "The semesters must follow each other within one year: semester 1 "
                        "ends before semester 2 starts, and semester 2 ends before the next "
                        "semester 1 starts."
                    ),
                )
        return data

    def raw_values(self) -> dict[str, str]:
        """What was typed, as it was typed: a change waiting for its preview keeps this."""
        return {name: str(self.data[name]) for name in self.fields if name in self.data}


def _shown(name: str, value, choices: dict) -> str:
    """A schedule field's value as the preview shows it."""
    if name == "frequency":
        return str(choices.get(value, value))
    if name == "starts_on":
        return format_date(value)
    if name.startswith("semester"):
        return MonthDayField.display(value)
    if name == "custom_end_dates":
        return ", ".join(format_date(dt.date.fromisoformat(str(d))) for d in value) or "—"
    if name == "custom_names":
        names = [n.get("th") or n.get("en") or "" for _d, n in sorted(value.items())]
        return ", ".join(names) or "—"
    return str(value)


def schedule_differences(form: ScheduleForm) -> list[tuple[str, str, str]]:
    """(what, before, after) for each field of a valid waiting change that shapes periods.

    The schedule as saved is read again: validating the form wrote the change onto
    ``form.instance``.
    """
    before = ReportingSchedule.objects.get(pk=form.instance.pk)
    choices = dict(ReportingSchedule.Frequency.choices)
    rows = []
    for name in shaping_fields(form.cleaned_data.get("frequency", before.frequency)):
        old, new = getattr(before, name), form.cleaned_data.get(name)
        if old != new:
            label = form.fields[name].label if name in form.fields else _("Names of the periods")
            rows.append((str(label), _shown(name, old, choices), _shown(name, new, choices)))
    return rows


def _custom_line(day: str, names: dict) -> str:
    line = format_input(dt.date.fromisoformat(day))
    th, en = (names.get("th") or "").strip(), (names.get("en") or "").strip()
    if th or en:
        line += f" {th}" + (f" | {en}" if en and en != th else "")
    return line


class ReportForm(forms.Form):
    """Problems, help needed, and one narrative per roadmap step and owned activity."""

    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    help_needed = forms.CharField(
        label=_("Help needed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, subjects=(), narratives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        narratives = narratives or {}
        for subject in self.subjects:
            name = f"n_{subject.kind}_{subject.id}"
            self.fields[name] = forms.CharField(
                label=subject.title,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=narratives.get((subject.kind, subject.id), ""),
            )

    def narratives(self) -> dict[tuple[str, int], str]:
        return {
            (s.kind, s.id): self.cleaned_data.get(f"n_{s.kind}_{s.id}", "") for s in self.subjects
        }

    def subject_fields(self):
        return [(s, self[f"n_{s.kind}_{s.id}"]) for s in self.subjects]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return for changes"))]
    )
    comment = forms.CharField(
        label=_("Comment to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change when you return a report."))
        return data


class CommitteeForm(forms.Form):
    period = forms.ModelChoiceField(queryset=ReportingPeriod.objects.none(), label=_("Period"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language of the PDF"))

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        # Periods made ahead for the calendar have nothing to report on yet.
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            network=network, starts_on__lte=timezone.localdate()
        )
        self.fields["period"].label_from_instance = lambda p: f"{p.label} ({p.dates})"


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        choices=ReminderPreference.Mode.choices,
        widget=forms.RadioSelect,
        label=_("Reminder emails"),
    )
