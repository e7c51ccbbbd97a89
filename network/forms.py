from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ThaiDateField

from .catalogue import BENEFITS, CHARTER_PARTS, MEMBER_CATEGORIES, NETWORK_FORMS, choices
from .models import Network, Organisation, Role


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
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(
            memberships__network=network, memberships__left_on__isnull=True
        ).distinct()


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
        from .catalogue import ORGANISATION_KINDS
        from .provinces import PROVINCES

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
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__network=network, memberships__left_on__isnull=True
        ).distinct()


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
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password

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
        label=_("CSV file (UTF-8)"),
        help_text=_("The first row names the columns, in Thai or in English."),
    )


class OrganisationChoiceForm(OrganisationForm):
    """An organisation already in the user's directory, or a new one described here."""

    existing = forms.ModelChoiceField(
        label=_("An organisation already in the directory"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty to add a new organisation with the details below."),
    )

    field_order = ["existing"]

    def __init__(self, *args, candidates, offer_existing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_existing:
            # Nothing to choose from: only a new organisation, its name etc. required.
            del self.fields["existing"]
            return
        self.fields["existing"].queryset = candidates.order_by("name_th")
        for name in ("name_th", "kind", "province"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if data.get("existing"):
            return data
        for name in ("name_th", "kind", "province"):
            if not data.get(name):
                self.add_error(name, _("Needed for a new organisation."))
        return data

    def details(self) -> dict | None:
        """The new organisation's fields, or None when an existing one was chosen."""
        if self.cleaned_data.get("existing"):
            return None
        return {k: v for k, v in self.cleaned_data.items() if k != "existing"}


class MemberAddForm(OrganisationChoiceForm):
    """Bring an organisation into the network: one the user already knows from their
    other networks, or a new one described here."""

    def __init__(self, *args, network: Network, candidates, **kwargs):
        super().__init__(
            *args,
            candidates=candidates.exclude(
                memberships__network=network, memberships__left_on__isnull=True
            ),
            **kwargs,
        )


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
