from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ThaiDateField
from network.models import Organisation

from .catalogue import MANAGEMENT_PARTS, SECTIONS
from .models import AgreementVersion, ResourceItem
from .verified import organisation_verified_label

_GUIDANCE = {e.code: e for e in (*SECTIONS, *MANAGEMENT_PARTS)}


class StartForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the agreement"),
        max_length=255,
        error_messages={"required": _("Give the agreement a title.")},
    )


class ReminderPolicyForm(forms.Form):
    every_days = forms.IntegerField(
        label=_("Remind signatories every (days)"), min_value=1, max_value=30
    )
    max_count = forms.IntegerField(label=_("At most (reminders)"), min_value=0, max_value=20)


class VersionForm(forms.Form):
    """The text of the five sections and the effective dates of a draft."""

    title = forms.CharField(label=_("Title of the agreement"), max_length=255)
    basic_information = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    duties_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    resources_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    planning = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    communication = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    monitoring = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reporting = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    other_matters = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    effective_from = ThaiDateField(label=_("Effective from"), required=False)
    effective_until = ThaiDateField(label=_("Effective until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels and guidance come from the catalogue, in the page's language.
        for code, field in self.fields.items():
            entry = _GUIDANCE.get(code)
            if entry is not None:
                field.label = entry.label
                field.help_text = entry.guidance

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", _("The end date must be on or after the start date."))
        return data

    @classmethod
    def initial_for(cls, version: AgreementVersion) -> dict:
        return {
            "title": version.agreement.title,
            **{f: getattr(version, f) for f in AgreementVersion.CONTENT_FIELDS},
        }


class DutyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    text = forms.CharField(label=_("Duty"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# Thai digits (๐–๙) as people type them on a Thai keyboard.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# 12,500.50 or 12500.50: commas only between groups of three, at most two decimals.
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?")
AMOUNT_CAP = ResourceItem.AMOUNT_CAP


class BahtField(forms.DecimalField):
    """An amount in baht as people write it: thousands separators, Thai digits, a
    trailing "บาท"; never negative and never above AMOUNT_CAP."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", AMOUNT_CAP)
        # 1,000,000,000.00: ten digits before the point and two after.
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A text box, not type=number: browsers refuse "12,500.50" in a number box.
        return {"inputmode": "decimal", "placeholder": "12,500.50"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).translate(_THAI_DIGITS).strip()
        text = text.removesuffix("บาท").strip().replace(" ", "")
        if text.startswith("-"):
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if not _AMOUNT.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = super().to_python(text.replace(",", ""))
        if amount > self.max_value:  # one clear message, not the digit counts as well
            raise ValidationError(self.error_messages["max_value"], code="max_value")
        return amount


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(choices=ResourceItem.Kind.choices, label=_("Kind"))
    description = forms.CharField(label=_("Description"), max_length=500)
    amount_baht = BahtField(
        label=_("Amount (baht)"),
        help_text=_("For example 12,500.50 — commas and Thai digits are fine."),
        error_messages={
            "invalid": _("Write the amount in baht as a number, for example 12,500.50."),
            "min_value": _("The amount cannot be negative. Write it as, for example, 12,500.50."),
            "max_value": _(
                "The amount cannot be more than 1,000,000,000 baht. Check for an extra zero."
            ),
        },
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Contributing organisation")
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SignatoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # The verified state in the choice itself, so a look-alike record of a school
        # is not picked by mistake.
        state = organisation_verified_label(obj.organisation)
        return f"{obj.organisation.name} ({state}) — {obj.display_name}"


class PartyForm(forms.Form):
    signatory = SignatoryChoiceField(
        queryset=None,
        label=_("Signatory"),
        help_text=_("A person of a member organisation who has an account."),
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the person's position."),
    )

    def __init__(self, *args, signatories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = signatories


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_code = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    typed_name = forms.CharField(label=_("Type your full name"), max_length=200)
    confirm = forms.BooleanField(
        label=_("I have read this agreement and sign it for my organisation."),
    )

    def __init__(self, *args, needs_totp: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_totp:
            self.fields["otp_code"].required = True
        else:
            del self.fields["otp_code"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does your organisation decline?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
