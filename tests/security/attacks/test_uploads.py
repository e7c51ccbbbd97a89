"""Upload attacks (issue 12, item 6): files that cost far more to decode than to send.

Each is posted through the test client by a partner representative of the activity's
owning organisation, the lowest-privilege user who may attach evidence, and must be
refused with a Thai message that says why, with nothing stored: no progress update,
no evidence row, no file under media, the activity's version unchanged.

On c866946 every one of them was accepted (the bombs after decoding them: 300 MB of
mimetype read into memory, a 169-million-pixel PNG decoded and encoded again). Memory
and time are measured by bench/bench_uploads.py, not asserted here.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from roadmap.models import Evidence, ProgressUpdate
from tests.roadmap import bombs
from tests.roadmap.factories import MINIMAL_PDF, ActivityFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def activity(cast):
    return ActivityFactory(network=cast.network, owners=[cast.partner_org])


def _media_files(settings) -> set[str]:
    media = settings.MEDIA_ROOT
    return {str(p) for p in media.rglob("*") if p.is_file()} if media.exists() else set()


def _post(cast, activity, *files):
    """The progress form as the partner sends it (htmx), the files under one field."""
    return cast.client("partner").post(
        f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/progress/",
        {
            "percent": 60,
            "status": "in_progress",
            "narrative": "แนบหลักฐานการประชุม",
            "version": activity.version,
            "files": list(files),
        },
        HTTP_HX_REQUEST="true",
    )


def _refused(response, activity, *, media_before: set[str], settings) -> str:
    """The answer is a refusal and nothing changed; returns the page's text."""
    assert response.status_code == 422
    assert response["Content-Language"] == "th"
    assert not ProgressUpdate.objects.filter(activity=activity).exists()
    assert not Evidence.objects.filter(update__activity=activity).exists()
    assert _media_files(settings) == media_before
    version = activity.version
    activity.refresh_from_db()
    assert activity.version == version
    assert activity.percent == 10
    return response.content.decode()


def test_zip_bomb_office_file_is_refused(cast, activity, settings):
    """An OpenDocument text whose mimetype part inflates to 300 MB (a 300 KB upload)."""
    bomb = bombs.zip_bomb(300 * MB)
    assert len(bomb) < 1 * MB
    response = _post(cast, activity, SimpleUploadedFile("รายงานประจำเดือน.odt", bomb))
    page = _refused(response, activity, media_before=set(), settings=settings)
    assert (
        "ไฟล์ “รายงานประจำเดือน.odt” เมื่อแตกไฟล์แล้วจะมีขนาด 300.0\xa0MB "
        "แต่เอกสารสำนักงานแตกไฟล์แล้วต้องมีขนาดไม่เกิน 200.0\xa0MB"
    ) in page


def test_zip_bomb_that_lies_about_its_size_is_refused(cast, activity, settings):
    """The same bomb with its directory saying the mimetype part is 39 bytes: the sizes
    pass, and inflating the part shows the lie at byte 40."""
    response = _post(cast, activity, SimpleUploadedFile("แผนงาน.odt", bombs.lying_zip_bomb()))
    page = _refused(response, activity, media_before=set(), settings=settings)
    assert "ไฟล์ “แผนงาน.odt” มีข้อมูลมากกว่าที่แจ้งไว้ (ในส่วน “mimetype”)" in page
    assert "ซิปบอมบ์" in page


def test_png_of_13000_by_13000_pixels_is_refused(cast, activity, settings):
    """169 million pixels (507 MB decoded) in a PNG of about half a megabyte."""
    png = bombs.png_bomb(13_000, 13_000)
    assert len(png) < 1 * MB
    response = _post(cast, activity, SimpleUploadedFile("ภาพกิจกรรม.png", png, "image/png"))
    page = _refused(response, activity, media_before=set(), settings=settings)
    assert ("ไฟล์ “ภาพกิจกรรม.png” มีมากกว่า 89.5 ล้านพิกเซล แต่รูปภาพมีได้ไม่เกิน 25 ล้านพิกเซล") in page


def test_ten_bombs_in_one_request_are_each_refused(cast, activity, settings):
    bomb = bombs.zip_bomb(300 * MB)
    files = [SimpleUploadedFile(f"ไฟล์ที่{i}.odt", bomb) for i in range(10)]
    response = _post(cast, activity, *files)
    page = _refused(response, activity, media_before=set(), settings=settings)
    for i in range(10):
        assert f"ไฟล์ “ไฟล์ที่{i}.odt” เมื่อแตกไฟล์แล้วจะมีขนาด 300.0\xa0MB" in page


def test_evidence_over_the_activitys_quota_is_refused(cast, activity, settings):
    """The activity already holds 499 MB from an earlier update; the default quota is
    500 MB, and a 2 MB PDF would take it over."""
    EvidenceFactory(update__activity=activity, size=499 * MB)
    media_before = _media_files(settings)
    pdf = MINIMAL_PDF + b"%" * (2 * MB - len(MINIMAL_PDF))
    response = _post(cast, activity, SimpleUploadedFile("สรุปผล.pdf", pdf, "application/pdf"))
    assert response.status_code == 422
    assert response["Content-Language"] == "th"
    assert ProgressUpdate.objects.filter(activity=activity).count() == 1  # the earlier one
    assert Evidence.objects.filter(update__activity=activity).count() == 1
    assert _media_files(settings) == media_before
    version = activity.version
    activity.refresh_from_db()
    assert activity.version == version
    assert activity.percent == 10
    assert (
        "กิจกรรมนี้มีไฟล์หลักฐานอยู่แล้ว 499.0\xa0MB และไฟล์ที่แนบมาจะเพิ่มอีก 2.0\xa0MB "
        "ซึ่งเกินขีดจำกัด 500.0\xa0MB ต่อกิจกรรม ระบบยังไม่ได้บันทึกข้อมูลใด ๆ"
    ) in response.content.decode()


def test_files_over_the_per_update_total_are_refused(cast, activity, settings):
    """Three PDFs of 19 MB each fit the 20 MB limit one by one; together (57 MB) they
    are over the 50 MB one update may carry."""
    pdf = MINIMAL_PDF + b"%" * (19 * MB - len(MINIMAL_PDF))
    files = [SimpleUploadedFile(f"ภาคผนวก{i}.pdf", pdf, "application/pdf") for i in range(3)]
    response = _post(cast, activity, *files)
    page = _refused(response, activity, media_before=set(), settings=settings)
    assert (
        "ไฟล์ที่แนบมามีขนาดรวม 57.0\xa0MB แต่การรายงานความก้าวหน้าแต่ละครั้งแนบไฟล์ได้รวมกันไม่เกิน 50.0\xa0MB"
    ) in page
