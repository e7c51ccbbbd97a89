"""The registry of personal data is complete, checked against the model registry: a
new model that holds data about a person fails here until its app's personal_data
module exports it or says why it is kept."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

from network.models import Person
from privacy import registry, vocabulary

ROOT = Path(__file__).resolve().parents[2]
# Field names that hold data about a person wherever they appear.
PERSONAL_FIELDS = {"ip", "user_agent", "email"}
# Models that match the rule but hold nothing about a person, with the reason. (Every
# third-party model that does hold such data, allauth's included, is declared by an
# app: accounts/personal_data.py declares allauth's and the admin's.)
ALLOWLIST: dict[str, str] = {}


def _about_a_person(model) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    why = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) and not field.many_to_many:
            continue
        if field.auto_created and not field.concrete:
            continue  # a reverse relation: the other model holds it
        linked = field.is_relation and field.related_model in (Person, user_model)
        if linked or field.name in PERSONAL_FIELDS:
            why.append(field.name)
    return why


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and not m._meta.abstract
    ]


def test_every_model_holding_personal_data_is_in_the_registry():
    missing = []
    for model in _models():
        why = _about_a_person(model)
        key = model._meta.label
        if why and key not in ALLOWLIST and registry.holding(key) is None:
            missing.append(f"{key} ({', '.join(why)})")
    assert not missing, (
        "models holding data about a person that no personal_data module declares "
        "(export them, or say why they are kept): " + "; ".join(sorted(missing))
    )


def test_every_holding_is_exported_or_kept_with_a_reason():
    for holding in registry.holdings():
        assert holding.exported or holding.kept in vocabulary.KEPT, holding.key
        if holding.kept:
            assert str(vocabulary.KEPT[holding.kept]).strip()


def test_the_registry_reads_every_app():
    apps_declaring = {h.app for h in registry.holdings()}
    assert {"accounts", "network", "agreements", "roadmap", "reports", "privacy"} <= apps_declaring
    # allauth's addresses and devices are exported, not left out.
    assert registry.holding("account.EmailAddress").exported
    assert registry.holding("mfa.Authenticator").exported


def test_the_allowlist_is_current():
    for key in ALLOWLIST:
        model = apps.get_model(key)
        assert _about_a_person(model), f"{key} no longer matches: drop it from the list"
        assert registry.holding(key) is None, f"{key} is declared: drop it from the list"


def test_every_export_path_exists_and_has_a_title_in_both_languages():
    from privacy.selectors import _field_at, section_title

    for holding in registry.holdings():
        for path in holding.fields:
            _field_at(holding.model, path)  # raises for a path that is not there
            assert vocabulary.column_key(path) in vocabulary.COLUMNS, (holding.key, path)
        if not holding.exported:
            continue
        with translation.override("th"):
            titles = [section_title(holding)]
            titles += [vocabulary.column_title(p) for p in holding.fields]
        for title in titles:
            # Thai titles are Thai: an English word left means a missing translation.
            assert not re.search(r"[A-Za-z]{4,}", title), (holding.key, title)


def test_the_login_is_erased_last():
    erasers = [h for h in registry.holdings() if h.erase]
    assert erasers[-1].key == settings.AUTH_USER_MODEL


def test_reminder_rows_outlive_the_reminder_plan():
    """reports/personal_data.py keeps sent reminder rows of recent periods, since the
    sweep would plan (and send) a missing one again: its guard must stay longer than
    the sweep's horizon, wherever reports keeps that constant."""
    from reports import personal_data

    horizons = [
        int(n)
        for path in (ROOT / "reports").rglob("*.py")
        for n in re.findall(r"^PLAN_HORIZON_DAYS\s*=\s*(\d+)", path.read_text(), re.M)
    ]
    assert horizons, "reports no longer defines PLAN_HORIZON_DAYS: check the guard"
    assert max(horizons) < personal_data.REPLAN_GUARD_DAYS
