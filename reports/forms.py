from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ThaiDateField

from .models import ProgressReport, ReminderPreference, ReportingPeriod, ReportingSchedule


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


class ScheduleForm(forms.ModelForm):
    starts_on = ThaiDateField(label=_("First period starts on"))
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
        help_text=_("Only for custom dates: one date per line, for example 31/07/2569."),
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
            "custom_end_dates",
            "remind_days_before",
            "remind_on_due_day",
            "remind_days_after",
            "escalate_after_days",
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
            import datetime as dt

            from core.dates import format_input

            self.initial["custom_end_dates"] = "\n".join(
                format_input(dt.date.fromisoformat(str(d))) for d in instance.custom_end_dates or []
            )
        self.fields["weekly_cap"].min_value = 1

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
        parser = ThaiDateField()
        dates = []
        for line in (self.cleaned_data.get("custom_end_dates") or "").splitlines():
            if line.strip():
                dates.append(parser.clean(line.strip()).isoformat())
        return sorted(set(dates))

    def clean_weekly_cap(self) -> int:
        cap = self.cleaned_data["weekly_cap"]
        if cap < 1:
            raise ValidationError(_("Allow at least one reminder a week."))
        return cap

    def clean(self):
        data = super().clean()
        if data.get("frequency") == ReportingSchedule.Frequency.CUSTOM and not data.get(
            "custom_end_dates"
        ):
            self.add_error("custom_end_dates", _("Custom dates need at least one end date."))
        return data


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
        self.fields["period"].queryset = ReportingPeriod.objects.filter(network=network)
        self.fields["period"].label_from_instance = lambda p: p.label


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        choices=ReminderPreference.Mode.choices,
        widget=forms.RadioSelect,
        label=_("Reminder emails"),
    )
