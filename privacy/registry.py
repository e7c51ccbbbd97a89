"""The registry of personal data: what each app holds about a person, and what becomes
of it on export, on an accepted erasure and when the retention period ends.

Each app declares its holdings in ``<app>/personal_data.py`` as ``HOLDINGS``, a tuple of
plain dicts, so no app imports privacy (the layering stays as design.md draws it)::

    HOLDINGS = (
        {
            "model": Person,                       # a model, or a history model
            "rows": lambda subject: queryset,      # the rows about this person (export)
            "fields": ("full_name", "email"),      # what the export shows (ORM paths)
            "erase": erase_function,               # (subject) -> rows changed or removed
            "kept": "signed_agreement",            # why (part of) it stays: vocabulary.KEPT
            "thin": thin_function,                 # (cutoff) -> rows thinned (retention)
            "order": 0,                            # erasure order; the login goes last
        },
    )

A holding is exported ("rows") or says why it is kept ("kept"), or both;
tests/privacy/test_registry.py checks, against the model registry, that every model
holding data about a person has one. Section and column titles come from
``privacy.vocabulary`` (or the models' own verbose names), so the apps' modules hold no
strings to translate.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import autodiscover_modules

from .vocabulary import KEPT

MODULE = "personal_data"
_KEYS = {"model", "rows", "fields", "erase", "kept", "thin", "order"}


@dataclass(frozen=True)
class Subject:
    """The person an export or an erasure is about, as every holding sees them."""

    user: Any | None
    person_ids: tuple[int, ...]
    # Every address known to be theirs (the login's, the directory's, allauth's).
    emails: tuple[str, ...]
    # What an erasure writes in place of their name and their login's address.
    placeholder: str = ""
    erased_email: str = ""

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


@dataclass(frozen=True)
class Holding:
    model: type[models.Model]
    app: str
    rows: Callable[[Subject], models.QuerySet] | None = None
    fields: tuple[str, ...] = ()
    erase: Callable[[Subject], int] | None = None
    kept: str = ""
    thin: Callable[[Any], int] | None = None
    order: int = 0

    @property
    def key(self) -> str:
        return self.model._meta.label

    @property
    def exported(self) -> bool:
        return self.rows is not None


_HOLDINGS: dict[str, Holding] = {}


def _holding(entry: dict, *, app: str) -> Holding:
    unknown = set(entry) - _KEYS
    if unknown:
        raise ValueError(f"{app}.{MODULE}: unknown keys {sorted(unknown)}")
    model = entry["model"]
    if entry.get("rows") is None and not entry.get("kept"):
        raise ValueError(f"{app}.{MODULE}: {model._meta.label} is neither exported nor kept")
    if entry.get("rows") is not None and not entry.get("fields"):
        raise ValueError(f"{app}.{MODULE}: {model._meta.label} exports no fields")
    if entry.get("kept") and entry["kept"] not in KEPT:
        raise ValueError(f"{app}.{MODULE}: unknown reason {entry['kept']!r}")
    return Holding(
        model=model,
        app=app,
        rows=entry.get("rows"),
        fields=tuple(entry.get("fields", ())),
        erase=entry.get("erase"),
        kept=entry.get("kept", ""),
        thin=entry.get("thin"),
        order=int(entry.get("order", 0)),
    )


def load() -> None:
    """Import every installed app's personal_data module and read its HOLDINGS."""
    autodiscover_modules(MODULE)
    _HOLDINGS.clear()
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.{MODULE}")
        for entry in getattr(module, "HOLDINGS", ()):
            holding = _holding(entry, app=config.label)
            if holding.key in _HOLDINGS:
                raise ValueError(f"{holding.key} is declared twice ({MODULE} modules)")
            _HOLDINGS[holding.key] = holding


def holdings() -> list[Holding]:
    """Every holding, in erasure order (then by app and model, for a stable export)."""
    return sorted(_HOLDINGS.values(), key=lambda h: (h.order, h.app, h.key))


def holding(key: str) -> Holding | None:
    return _HOLDINGS.get(key)
