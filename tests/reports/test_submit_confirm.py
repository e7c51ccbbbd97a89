"""Submitting a progress report locks it, so the server asks for a ticked confirmation."""

from __future__ import annotations

import pytest
from django.core import mail

from reports.models import ProgressReport

pytestmark = pytest.mark.django_db


def _url(cast, report) -> str:
    return f"/networks/{cast.network.slug}/reports/{report.pk}/"


@pytest.mark.parametrize("confirm", [None, "", "off", "0"])
def test_a_submit_without_the_confirmation_submits_and_saves_nothing_and_says_why(
    cast, reporting, confirm, django_capture_on_commit_callbacks
):
    report = reporting[2][cast.partner_org.pk]
    before = (report.status, report.problems, report.submitted_at)
    data = {"problems": "ขาดงบ", "help_needed": "วิทยากร", "action": "submit"}
    if confirm is not None:
        data["confirm_submit"] = confirm
    client = cast.client("partner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(cast, report), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "ยังไม่ได้ส่งรายงาน" in page  # the reason, in Thai
    assert "ขาดงบ" in page  # the text typed is still in the form
    report.refresh_from_db()
    assert (report.status, report.problems, report.submitted_at) == before
    assert not mail.outbox


def test_the_reason_in_english(cast, reporting):
    report = reporting[2][cast.partner_org.pk]
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = "en"
    response = client.post(_url(cast, report), {"problems": "x", "action": "submit"})
    page = response.content.decode()
    assert "The report was not submitted" in page
    assert "I have checked this report" in page
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT or report.submitted_at is None


def test_the_page_offers_the_confirmation_and_a_ticked_one_submits(cast, reporting):
    report = reporting[2][cast.partner_org.pk]
    client = cast.client("partner")
    page = client.get(_url(cast, report)).content.decode()
    assert 'name="confirm_submit"' in page
    assert "หลังจากส่งแล้ว" in page
    response = client.post(
        _url(cast, report), {"problems": "ขาดงบ", "action": "submit", "confirm_submit": "on"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.problems == "ขาดงบ"


def test_a_draft_needs_no_confirmation(cast, reporting):
    report = reporting[2][cast.partner_org.pk]
    response = cast.client("partner").post(
        _url(cast, report), {"problems": "ร่าง", "action": "draft"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status != ProgressReport.Status.SUBMITTED
    assert report.problems == "ร่าง"
