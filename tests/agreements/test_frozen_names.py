"""A signed version shows what was signed (issue 14 item 4).

The names of the parties' organisations, the signatories and the duties' and
resources' organisations are read from the content frozen when the version was sent
(the text its stored SHA-256 covers), so renaming an organisation or a person later
changes neither the version's pages, its audit log nor a re-rendered PDF. A new draft
shows today's names. The stored hash of the signed version is not touched.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from agreements import services
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db

OLD_ORG = "มหาวิทยาลัยชื่อเดิม"
NEW_ORG = "มหาวิทยาลัยชื่อใหม่"
OLD_PERSON = "อาจารย์ชื่อเดิม ลงนาม"
NEW_PERSON = "อาจารย์ชื่อใหม่ เปลี่ยนแล้ว"


def _signed_then_renamed(cast):
    org = cast.partner_org
    org.name_th, org.name_en = OLD_ORG, "Old Name University"
    org.save()
    person = cast.partner.person
    person.title, person.full_name = "", OLD_PERSON
    person.save()
    version = f.draft_for(cast)
    with f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    for party in version.parties.select_related("signatory__user"):
        with f.after_commit():
            services.party_sign(
                party=party,
                user=party.signatory.user,
                password=PASSWORD,
                typed_name=party.signatory.full_name,
            )
    version.refresh_from_db()
    assert version.signed_at is not None
    stored_hash = version.content_sha256
    org.name_th, org.name_en = NEW_ORG, "New Name University"
    org.save()
    person.full_name = NEW_PERSON
    person.save()
    return version, stored_hash


def _pages(cast, version) -> str:
    client = cast.client("coordinator")
    base = f"/networks/{cast.network.slug}/agreement/v{version.number}/"
    body = ""
    for url in (base, f"{base}parties/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body += response.content.decode()
    return body


def test_signed_version_pages_show_the_names_as_sent(cast):
    version, stored_hash = _signed_then_renamed(cast)
    body = _pages(cast, version)
    assert OLD_ORG in body
    assert OLD_PERSON in body
    assert NEW_ORG not in body
    assert NEW_PERSON not in body
    version.refresh_from_db()
    assert version.content_sha256 == stored_hash  # the stored hash is never recomputed


def test_a_new_draft_shows_todays_names(cast):
    version, _hash = _signed_then_renamed(cast)
    draft = services.version_amend(version=version, user=cast.coordinator)
    body = _pages(cast, draft)
    assert NEW_ORG in body
    assert NEW_PERSON in body


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_a_re_rendered_pdf_shows_the_names_as_sent(cast, tmp_path):
    version, _hash = _signed_then_renamed(cast)
    data = services.version_pdf_render_one(version=version, language="th")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "".join(OLD_ORG.split()) in flat
    assert "".join(OLD_PERSON.split()) in flat
    assert "".join(NEW_ORG.split()) not in flat
    assert "".join(NEW_PERSON.split()) not in flat


def test_the_sign_and_decline_pages_name_the_organisation_as_sent(cast):
    org = cast.partner_org
    org.name_th = OLD_ORG
    org.save()
    version = f.draft_for(cast)
    with f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    org.name_th = NEW_ORG
    org.save()
    client = cast.client("partner")
    base = f"/networks/{cast.network.slug}/agreement/v{version.number}/"
    for url in (f"{base}sign/", f"{base}decline/"):
        body = client.get(url).content.decode()
        assert OLD_ORG in body, url
        assert NEW_ORG not in body, url


def test_a_frozen_copy_leaves_out_what_the_database_computes():
    """An organisation's search_name is of its live names: the frozen copy (which
    carries the signed names) does not take it."""
    from agreements.selectors import _frozen_copy
    from tests.factories import OrganisationFactory

    live = OrganisationFactory(name_th=NEW_ORG, name_en="")
    copy = _frozen_copy(live, name_th=OLD_ORG, name_en="")
    assert copy.name_th == OLD_ORG
    assert "search_name" not in copy.__dict__
