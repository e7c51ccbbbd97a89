"""Section III amounts as people type them: 12,500.50, Thai digits; nothing absurd."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agreements.forms import AMOUNT_CAP, ResourceForm
from network.models import Organisation

from . import factories as f

pytestmark = pytest.mark.django_db


def _add(cast, amount: str, *, language: str = "th", version=None):
    version = version or f.draft_for(cast)
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    response = client.post(
        f"/networks/{cast.network.slug}/agreement/v{version.number}/resources/add/",
        {
            "kind": "money",
            "description": "ค่าวิทยากร",
            "amount_baht": amount,
            "organisation": cast.partner_org.id,
        },
        follow=True,
    )
    return version, response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12,500.50", Decimal("12500.50")),
        ("1,000,000", Decimal("1000000")),
        ("๑๒,๕๐๐.๕๐", Decimal("12500.50")),
        ("12500.5", Decimal("12500.50")),
        (" 3,000 บาท", Decimal("3000")),
        ("1,000,000,000", AMOUNT_CAP),
    ],
)
def test_amounts_written_the_usual_ways_are_stored(cast, typed, stored):
    version, _page = _add(cast, typed)
    added = version.resources.filter(description="ค่าวิทยากร")
    assert list(added.values_list("amount_baht", flat=True)) == [stored]


@pytest.mark.parametrize(
    ("typed", "thai", "english"),
    [
        ("99,999,999,999", "1,000,000,000", "more than 1,000,000,000 baht"),
        ("1000000000.01", "1,000,000,000", "more than 1,000,000,000 baht"),
        ("-5", "ติดลบ", "cannot be negative"),
        ("-1,000", "ติดลบ", "cannot be negative"),
        ("12,50.50", "เช่น 12,500.50", "for example 12,500.50"),
        ("12.505", "เช่น 12,500.50", "for example 12,500.50"),
        ("1e5", "เช่น 12,500.50", "for example 12,500.50"),
        ("NaN", "เช่น 12,500.50", "for example 12,500.50"),
        ("สามพัน", "เช่น 12,500.50", "for example 12,500.50"),
    ],
)
def test_absurd_or_unreadable_amounts_are_refused_with_the_format(cast, typed, thai, english):
    version, page = _add(cast, typed)
    assert thai in page
    assert not version.resources.filter(description="ค่าวิทยากร").exists()
    version, page = _add(cast, typed, language="en", version=version)
    assert english in page
    assert not version.resources.filter(description="ค่าวิทยากร").exists()


def test_the_form_field_fits_the_model_column():
    field = ResourceForm(organisations=Organisation.objects.none()).fields["amount_baht"]
    # The cap fits in the form's digits, and those in the column's.
    assert field.max_value == AMOUNT_CAP == Decimal("1000000000")
    assert len(str(int(AMOUNT_CAP))) <= field.max_digits - field.decimal_places
    assert field.widget.input_type == "text"  # a number box refuses "12,500.50"


def test_the_service_refuses_an_amount_over_the_cap_too(cast):
    from decimal import Decimal

    from agreements import services
    from agreements.models import ResourceItem
    from tests.agreements import factories as f

    version = f.draft_for(cast)
    before = ResourceItem.objects.filter(version=version).count()
    with pytest.raises(services.AgreementError):
        services.resource_add(
            version=version,
            kind=ResourceItem.Kind.MONEY,
            description="ตัวเลขพิมพ์เกิน",
            amount_baht=Decimal("99999999999"),
            organisation=cast.partner_org,
        )
    assert ResourceItem.objects.filter(version=version).count() == before
