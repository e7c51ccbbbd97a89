from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.erasure import REASON_MAX


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You need not give a reason. It helps the site administrator decide."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my name and contact details will be removed, my sign-in "
            "will stop working and this cannot be undone."
        ),
        required=True,
    )


class DecisionForm(forms.Form):
    """A decline needs a note the person reads; an acceptance may have one."""

    note = forms.CharField(
        label=_("Note to the person"),
        help_text=_("The person reads it in the email that tells them the decision."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, note_required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
