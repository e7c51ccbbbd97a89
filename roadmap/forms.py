from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ThaiDateField
from network.models import Membership, Organisation, Person

from .catalogue import HEALTH_GROUPS
from .evidence import evidence_check, limits, request_check
from .models import Activity, HealthRound, ObstacleEntry, Step
from .services.wins import WIN_IN_FUTURE


def member_organisations(network):
    current = Membership.objects.current().filter(network=network)
    return Organisation.objects.filter(id__in=current.values("organisation_id"))


def network_people(network):
    return (
        Person.objects.filter(organisation__in=member_organisations(network).values("id"))
        .select_related("organisation")
        .order_by("full_name")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.organisation.name})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.organisation.name})"


def _check_dates(form, start: str, end: str) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, _("The end date cannot be before the start date."))


def _check_blocked(form) -> None:
    data = form.cleaned_data
    if (
        data.get("status") == Activity.Status.BLOCKED
        and not (data.get("blocked_reason") or "").strip()
    ):
        form.add_error("blocked_reason", _("Say why the activity is blocked."))


class StepForm(forms.ModelForm):
    target_start = ThaiDateField(label=_("target start"), required=False)
    target_end = ThaiDateField(label=_("target end"), required=False)

    class Meta:
        model = Step
        fields = ["status", "target_start", "target_end", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        super().clean()
        _check_dates(self, "target_start", "target_end")
        return self.cleaned_data


# The fields of ActivityForm that roadmap.services.activity_create takes, for every
# page that plans an activity (roadmap's own, and reports' duty-to-activity page).
ACTIVITY_FIELDS = (
    "step",
    "title",
    "owners",
    "description",
    "responsible",
    "start_on",
    "due_on",
    "status",
    "blocked_reason",
)


class ActivityForm(forms.Form):
    step = forms.ModelChoiceField(label=_("step"), queryset=Step.objects.none())
    title = forms.CharField(label=pgettext_lazy("roadmap", "title"), max_length=255)
    description = forms.CharField(
        label=pgettext_lazy("roadmap", "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("owning organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their representatives report progress on this activity."),
    )
    responsible = PersonChoiceField(
        label=_("responsible person"), queryset=Person.objects.none(), required=False
    )
    start_on = ThaiDateField(label=_("start date"), required=False)
    due_on = ThaiDateField(label=_("due date"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=Activity.Status.choices)
    blocked_reason = forms.CharField(
        label=_("why it is blocked"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = Step.objects.filter(network=network).order_by("number")
        self.fields["step"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        self.fields["owners"].queryset = member_organisations(network)
        self.fields["responsible"].queryset = network_people(network)

    def clean(self):
        super().clean()
        _check_dates(self, "start_on", "due_on")
        _check_blocked(self)
        return self.cleaned_data


class ActivityDeleteForm(forms.Form):
    """The confirmation: the version the page was shown for, so that a deletion never
    takes more with it than the page said."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each is checked by content (roadmap.evidence).

    Their number and total size are checked first, before any one is read."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        request_check(uploads)
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(evidence_check(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class ProgressForm(forms.Form):
    percent = forms.IntegerField(
        label=_("percent complete"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    status = forms.ChoiceField(label=_("status"), choices=Activity.Status.choices)
    blocked_reason = forms.CharField(
        label=_("why it is blocked"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    narrative = forms.CharField(
        label=_("what happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done since the last update, and what comes next."),
    )
    files = EvidenceField(
        label=_("evidence files"),
        required=False,
        help_text=_(
            "PDF, photos or office documents: up to %(count)s files, %(size)s MB each and "
            "%(total)s MB together."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, max_mb: int = 20, **kwargs):
        super().__init__(*args, **kwargs)
        limit = limits()
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "size": max_mb,
            "count": limit.max_files,
            "total": limit.max_update_bytes // (1024 * 1024),
        }

    def clean(self):
        super().clean()
        _check_blocked(self)
        return self.cleaned_data


class WinForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("roadmap", "title"), max_length=255)
    description = forms.CharField(
        label=_("what was achieved"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    happened_on = ThaiDateField(label=_("date"))
    organisations = forms.ModelMultipleChoiceField(
        label=_("credited organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    people = PeopleChoiceField(
        label=_("credited people"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = member_organisations(network)
        self.fields["people"].queryset = network_people(network)

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        # A win is something that has happened: a date ahead is a typo (often a B.E. year
        # read as another year), and a wins page would cheer it before it happened.
        if day > timezone.localdate():
            raise ValidationError(WIN_IN_FUTURE, code="future")
        return day


SCORE_CHOICES = [("", pgettext_lazy("score", "not yet scored")), *[(i, i) for i in range(1, 6)]]


class ObstacleForm(forms.ModelForm):
    # Both empty keeps the row "not yet scored"; a score needs both halves.
    likelihood = forms.TypedChoiceField(
        label=_("likelihood"), coerce=int, choices=SCORE_CHOICES, required=False, empty_value=None
    )
    impact = forms.TypedChoiceField(
        label=_("impact"), coerce=int, choices=SCORE_CHOICES, required=False, empty_value=None
    )
    owner = PersonChoiceField(label=_("owner"), queryset=Person.objects.none(), required=False)
    review_on = ThaiDateField(label=_("review date"), required=False)

    class Meta:
        model = ObstacleEntry
        fields = ["likelihood", "impact", "mitigation", "owner", "review_on"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = network_people(network)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        likelihood, impact = data.get("likelihood"), data.get("impact")
        if "likelihood" in data and "impact" in data and (likelihood is None) != (impact is None):
            missing = "impact" if impact is None else "likelihood"
            self.add_error(
                missing, _("Score both likelihood and impact, or leave both not yet scored.")
            )
        return data


class HealthRoundForm(forms.ModelForm):
    opened_on = ThaiDateField(label=_("opens on"))
    closes_on = ThaiDateField(label=_("closes on"))

    class Meta:
        model = HealthRound
        fields = ["label", "opened_on", "closes_on"]

    def clean(self):
        super().clean()
        _check_dates(self, "opened_on", "closes_on")
        return self.cleaned_data


SCORES = [(i, str(i)) for i in range(1, 6)]


class HealthResponseForm(forms.Form):
    """One 1–5 choice per item of §7, grouped the way the deck groups them."""

    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Coordinators and the chair see comments without your name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group, items in HEALTH_GROUPS:
            names = []
            for item in items:
                self.fields[item.code] = forms.TypedChoiceField(
                    label=item.label,
                    coerce=int,
                    choices=SCORES,
                    widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                )
                names.append(item.code)
            self.groups.append((group, names))
        # The comment comes last, after the scores.
        self.order_fields([*[n for _g, names in self.groups for n in names], "comment"])

    def grouped(self):
        return [(group, [self[name] for name in names]) for group, names in self.groups]

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for _g, names in self.groups for name in names}
