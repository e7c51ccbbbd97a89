"""The people import and the one-chair rule: a second chair is a preview problem,
never an error when the import is written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import Person, Role


def _preview(cast, text: str) -> str:
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/import/", {"kind": "people", "file": upload}
    )
    return response.content.decode()


def test_a_second_chair_is_a_problem_in_the_preview_and_nothing_is_written(cast):
    org = cast.partner_org.name_th
    before = (Person.objects.count(), Role.objects.count())
    body = _preview(cast, f"Organisation,Full name,Role\n{org},ครูประธานใหม่,chair\n")
    assert "มีประธานคณะกรรมการแล้ว" in body
    response = cast.client("coordinator").post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code in (200, 302, 400, 422)
    assert (Person.objects.count(), Role.objects.count()) == before
    assert Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR).count() == 1


def test_two_rows_naming_a_chair_in_a_network_without_one(cast):
    Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR).delete()
    org = cast.partner_org.name_th
    body = _preview(cast, f"Organisation,Full name,Role\n{org},ครูหนึ่ง,chair\n{org},ครูสอง,chair\n")
    assert "แถวที่ 2 ระบุประธานคณะกรรมการไว้แล้ว" in body


def test_the_chair_again_is_no_problem(cast):
    chair = cast.chair.person
    body = _preview(
        cast,
        f"Organisation,Full name,Email,Role\n"
        f"{chair.organisation.name_th},{chair.full_name},{chair.email},chair\n",
    )
    assert "มีประธานคณะกรรมการแล้ว" not in body
