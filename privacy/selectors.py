"""Reads: who a person is to the registry, everything held about them, the requests.

Only ever the asking person's own data: every export starts from ``subject_for`` the
signed-in login and asks each holding for the rows about that subject.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.dates import format_date, format_datetime
from network.models import Person

from . import registry, vocabulary
from .models import ErasureRequest, SignIn

EXPORT_FORMAT = "khruakhai-personal-data/1"


def subject_for(user, *, erasing: bool = False) -> registry.Subject:
    """The person behind ``user``: their entries in the directory and every address
    known to be theirs. ``erasing`` adds what an erasure writes in their place."""
    people = list(Person.objects.filter(user=user).values_list("pk", "email"))
    emails = {user.email, *(email for _pk, email in people)}
    emails |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return registry.Subject(
        user=user,
        person_ids=tuple(pk for pk, _email in people),
        emails=tuple(sorted(e.strip().lower() for e in emails if e and e.strip())),
        placeholder=vocabulary.erased_name() if erasing else "",
        erased_email=vocabulary.erased_email(user.pk) if erasing else "",
    )


def section_title(holding: registry.Holding) -> str:
    label = vocabulary.SECTIONS.get(holding.key)
    if label is not None:
        return str(label)
    base = getattr(holding.model, "instance_type", None)  # a simple-history model
    if base is not None:
        return _("Change history: %(what)s") % {"what": base._meta.verbose_name_plural}
    return str(holding.model._meta.verbose_name_plural).capitalize()


def _field_at(model: type[models.Model], path: str):
    """The model field an export path ends on (following relations)."""
    found = None
    for part in path.split("__"):
        found = model._meta.get_field(part)
        if found.is_relation and found.related_model is not None:
            model = found.related_model
    return found


@dataclass
class Section:
    key: str
    title: str
    kept: str
    columns: list[tuple[str, str]]  # (path, title)
    rows: list[tuple] = field(default_factory=list)
    fields: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def titles(self) -> list[str]:
        return [title for _path, title in self.columns]

    def as_data(self) -> dict:
        paths = [path for path, _title in self.columns]
        return {
            "key": self.key,
            "title": self.title,
            "kept": self.kept,
            "columns": dict(self.columns),
            "rows": [dict(zip(paths, row, strict=True)) for row in self.rows],
        }

    def shown_rows(self) -> list[list[str]]:
        """The rows as a reader sees them: choices by their label, dates in the
        active language (Buddhist Era in Thai), yes/no, nothing as a dash."""
        return [
            [shown_value(f, value) for f, value in zip(self.fields, row, strict=True)]
            for row in self.rows
        ]


def shown_value(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("privacy value", "Yes") if value else pgettext("privacy value", "No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def sections_for(subject: registry.Subject, *, counts_only: bool = False) -> list[Section]:
    """One section per exported holding, with the rows about the subject."""
    sections = []
    exported = [h for h in registry.holdings() if h.exported]
    for holding in sorted(exported, key=lambda h: vocabulary.section_rank(h.key)):
        queryset = holding.rows(subject)
        section = Section(
            key=holding.key,
            title=section_title(holding),
            kept=str(vocabulary.KEPT.get(holding.kept, "")),
            columns=[(p, vocabulary.column_title(p)) for p in holding.fields],
            fields=[_field_at(holding.model, p) for p in holding.fields],
        )
        if counts_only:
            section.rows = [()] * queryset.count()
        else:
            section.rows = list(queryset.values_list(*holding.fields))
        sections.append(section)
    return sections


def personal_data_export(*, user) -> dict:
    """Everything held about ``user``, as data (the JSON download)."""
    subject = subject_for(user)
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "login": user.pk,
        "sections": [s.as_data() for s in sections_for(subject)],
    }


def personal_data_json(*, user) -> bytes:
    data = personal_data_export(user=user)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


@dataclass(frozen=True)
class MyData:
    sections: list[Section]
    sign_ins: list[SignIn]
    requests: list[ErasureRequest]

    @property
    def held(self) -> list[Section]:
        return [s for s in self.sections if s.count]


def my_data(*, user) -> MyData:
    """What the "My data" page shows: how much each holding has, recent sign-ins,
    the person's erasure requests."""
    return MyData(
        sections=sections_for(subject_for(user), counts_only=True),
        sign_ins=list(SignIn.objects.filter(user=user)[:20]),
        requests=list(ErasureRequest.objects.filter(user=user)),
    )


def erasure_requests(*, status: str | None = None) -> list[ErasureRequest]:
    """The site admins' list: pending first, then the newest."""
    rows = ErasureRequest.objects.select_related("user", "decided_by")
    if status:
        rows = rows.filter(status=status)
    pending_first = models.Case(
        models.When(status=ErasureRequest.Status.PENDING, then=0), default=1
    )
    return list(rows.order_by(pending_first, "-created_at", "-id")[:200])


def pending_request_of(user) -> ErasureRequest | None:
    return ErasureRequest.objects.pending().filter(user=user).first()
