from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ThaiDateField

from .catalogue import (
    BENEFITS,
    CHARTER_PARTS,
    MEMBER_CATEGORIES,
    NETWORK_FORMS,
    ORGANISATION_KINDS,
    choices,
)
from .models import Network, Organisation, Role
from .provinces import PROVINCES


def _labels(entries) -> list[tuple[str, str]]:
    """Choices labelled in the page's language (the catalogue keeps both)."""
    return [(e.code, e.label) for e in entries]


class _Bilingual(forms.Form):
    """Re-labels catalogue choices per request, since the language is known only then."""

    catalogue_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, entries in self.catalogue_fields.items():
            if name in self.fields:
                blank = [] if self.fields[name].required else [("", "—")]
                if isinstance(self.fields[name], forms.MultipleChoiceField):
                    blank = []
                self.fields[name].choices = blank + _labels(entries)


class NetworkFoundForm(_Bilingual):
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    form = forms.ChoiceField(label=_("Form of network"), choices=choices(NETWORK_FORMS))
    founded_on = ThaiDateField(label=_("Founding date"), required=False)
    benefits = forms.MultipleChoiceField(
        label=_("Benefits the network aims for"),
        choices=choices(BENEFITS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    catalogue_fields = {"form": NETWORK_FORMS, "benefits": BENEFITS}

    def clean_founded_on(self):
        value = self.cleaned_data.get("founded_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The founding date cannot be in the future."))
        return value


class NetworkEditForm(NetworkFoundForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Network.Status.FORMING, Network.Status.FORMING.label),
            (Network.Status.ACTIVE, Network.Status.ACTIVE.label),
        ],
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = Organisation.objects.members_of(network)


class CharterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in CHARTER_PARTS:
            self.fields[part.code] = forms.CharField(
                label=part.label,
                help_text=part.guidance,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )


class DissolveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the network closing?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    dissolved_on = ThaiDateField(label=_("Date of dissolution"))
    confirm = forms.BooleanField(
        label=_("I understand the network becomes read-only and only a site admin can reopen it.")
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(_("Please explain the reason in a sentence or two."))
        return reason

    def clean_dissolved_on(self):
        value = self.cleaned_data["dissolved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of dissolution cannot be in the future."))
        if self.network.founded_on and value < self.network.founded_on:
            raise forms.ValidationError(_("The network cannot close before it was founded."))
        return value


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name_th", "name_en", "kind", "province", "address", "phone", "email", "website"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _labels(ORGANISATION_KINDS)
        self.fields["province"].choices = sorted(_labels(PROVINCES), key=lambda c: c[1])


ROLE_CHOICES = Role.Kind.choices


class _PersonFields(_Bilingual):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=50, required=False)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=choices(MEMBER_CATEGORIES), required=False
    )
    catalogue_fields = {"category": MEMBER_CATEGORIES}

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.members_of(network)


class PersonAddForm(_PersonFields):
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Role in the network"), choices=ROLE_CHOICES)


class InvitationForm(_PersonFields):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role in the network"), choices=ROLE_CHOICES, initial=Role.Kind.PARTNER_REP
    )
    language = forms.ChoiceField(
        label=_("Language of the email"), choices=settings.LANGUAGES, initial="th"
    )


class RoleAddForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class AcceptNewAccountForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = get_user_model()(email=self.email, full_name=data.get("full_name", ""))
            try:
                validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file lists"),
        choices=[("organisations", _("Organisations")), ("people", _("People"))],
        widget=forms.RadioSelect,
        initial="organisations",
    )
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file: UTF-8, UTF-16 or Thai Windows "
            "(TIS-620) text. The first row names the columns, in Thai or in English."
        ),
        # Only a hint to the browser's file picker: the content decides what it is.
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,.txt,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _same_name(name: str):
    """Organisations already in the directory under this Thai name (spacing and
    Latin case aside)."""
    name = " ".join((name or "").split())
    if not name:
        return Organisation.objects.none()
    return Organisation.objects.filter(name_th__iexact=name)


class OrganisationChoiceForm(OrganisationForm):
    """An organisation already in the user's directory, or a new one described here.

    A new organisation whose Thai name is already in the directory is flagged, with
    the existing record shown: creating a second one needs ``confirm_duplicate``.
    """

    existing = forms.ModelChoiceField(
        label=_("An organisation already in the directory"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty to add a new organisation with the details below."),
    )
    # Hidden until a duplicate is found (then a checkbox: see clean()).
    confirm_duplicate = forms.BooleanField(
        label=_("Create a separate organisation with this name anyway"),
        required=False,
        widget=forms.HiddenInput,
    )

    field_order = ["existing"]
    duplicate_message = _(
        "“%(name)s” is already in the directory (listed above). A network is led by "
        "its own people: if you work there, ask its representative or a coordinator of "
        "one of its networks to invite you. If it is another organisation with the same "
        "name, tick the box to create it."
    )

    def __init__(self, *args, candidates, offer_existing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Organisation] = []
        if not offer_existing:
            # Nothing to choose from: only a new organisation, its name etc. required.
            del self.fields["existing"]
            return
        self.fields["existing"].queryset = candidates.order_by("name_th")
        for name in ("name_th", "kind", "province"):
            self.fields[name].required = False

    def _chosen(self, data) -> bool:
        return bool(data.get("existing"))

    def clean(self):
        data = super().clean()
        if self._chosen(data):
            return data
        for name in ("name_th", "kind", "province"):
            if not data.get(name):
                self.add_error(name, _("Needed for a new organisation."))
        if data.get("name_th") and not data.get("confirm_duplicate"):
            self.duplicates = list(_same_name(data["name_th"]).order_by("id")[:5])
            if self.duplicates:
                self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
                self.add_error("name_th", self.duplicate_message % {"name": data["name_th"]})
        return data

    def details(self) -> dict | None:
        """The new organisation's fields, or None when an existing one was chosen."""
        if self._chosen(self.cleaned_data):
            return None
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("existing", "confirm_duplicate", "request_existing", "message")
        }


class _DirectoryChoiceField(forms.ModelChoiceField):
    """An organisation of the directory labelled with what tells look-alikes apart."""

    def label_from_instance(self, obj: Organisation) -> str:
        state = _("Verified") if obj.is_verified else _("Not verified")
        province = obj.province_entry.label if obj.province_entry else ""
        return f"{obj.name_th} · {province} · {state}"


class MemberAddForm(OrganisationChoiceForm):
    """Bring an organisation into the network: one the user already knows from their
    other networks, or a new one described here. One that is already in the
    directory under the same name is offered instead (``request_existing``):
    choosing it asks it to join; its representatives decide."""

    request_existing = _DirectoryChoiceField(
        label=_("Ask this organisation of the directory to join"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    message = forms.CharField(
        label=_("A note to its representatives (optional)"),
        help_text=_("Sent with a request to join when the organisation has to agree first."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duplicate_message = _(
        "“%(name)s” is already in the directory. Choose it below to ask it to join: its "
        "representatives decide. If it is another organisation with the same name, tick "
        "the box to create it."
    )

    def __init__(self, *args, network: Network, candidates, **kwargs):
        super().__init__(
            *args,
            candidates=candidates.not_members_of(network),
            **kwargs,
        )
        # Only a record named as the form names it can be asked from here: the
        # directory is not browsable by id.
        self.fields["request_existing"].queryset = _same_name(
            self.data.get(self.add_prefix("name_th"), "") if self.is_bound else ""
        ).not_members_of(network)

    def _chosen(self, data) -> bool:
        return bool(data.get("existing") or data.get("request_existing"))

    def clean(self):
        data = super().clean()
        if self.duplicates:
            field = self.fields["request_existing"]
            field.empty_label = None
            field.widget = forms.RadioSelect()
            field.widget.choices = field.choices
        return data

    def chosen(self) -> Organisation | None:
        return self.cleaned_data.get("existing") or self.cleaned_data.get("request_existing")


class JoinDecisionForm(forms.Form):
    """Accepting or declining a request to join, confirmed."""

    confirm = forms.BooleanField(label=_("I speak for this organisation and confirm my answer."))


class FounderForm(forms.Form):
    """Who is founding the network, for a login that is not yet a person."""

    title = forms.CharField(
        label=_("Title"),
        max_length=50,
        required=False,
        help_text=_("For example: Mr, Mrs, Ms, Dr."),
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    position = forms.CharField(label=_("Your position"), max_length=200, required=False)


class PersonEditForm(_PersonFields):
    """Correct a person. The organisation is offered only to coordinators, and the
    email is fixed while it is the person's sign-in address (services.person_update)."""

    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)

    def __init__(self, *args, network: Network, may_move: bool, email_locked: bool, **kwargs):
        super().__init__(*args, network=network, **kwargs)
        if not may_move:
            del self.fields["organisation"]
        if email_locked:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "This is the address used to sign in. Its owner changes it from the menu under "
                "their name (Sign-in email), not here."
            )
