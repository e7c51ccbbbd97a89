"""Every PDF's ink stays inside its text column (A4 less pdf/base.css's 2 cm right
margin), table borders included, in Thai and in English.

The committee report's own check is in tests/reports/test_committee_table.py (its
fixed-width tables once ran 2.5 cm past the margin); these cover the other three.
"""

from __future__ import annotations

import pytest

from tests.core.pdf_helpers import TEXT_RIGHT_MM, rightmost_ink_mm, signing_dir  # noqa: F401

# The close-out is sealed: with the test run's own key, never var/signing's.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_dir")]
# At most the pixel that holds the column's edge (0.64 mm at 40 dpi).
LIMIT_MM = TEXT_RIGHT_MM + 0.7


def _inside(pdf: bytes, tmp_path) -> None:
    edges = rightmost_ink_mm(pdf, tmp_path)
    assert edges
    assert max(edges) <= LIMIT_MM, [round(e, 1) for e in edges]
    # Not vacuous: above the bottom margin (the page number sits there), the body's
    # text and tables do run to the right margin somewhere.
    body = rightmost_ink_mm(pdf, tmp_path / "body", bottom_mm=25)
    assert max(body) >= TEXT_RIGHT_MM - 15, [round(e, 1) for e in body]


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_signed_agreement(cast, language, tmp_path):
    from agreements import services
    from tests.reports.test_closeout import _signed

    pdf = services.version_pdf_render_one(version=_signed(cast), language=language)
    _inside(pdf, tmp_path)


@pytest.mark.parametrize("language", ["th", "en"])
def test_my_data(cast, language, tmp_path):
    from privacy.pdf import my_data_pdf

    _inside(my_data_pdf(user=cast.coordinator, language=language), tmp_path)


def test_the_close_out_report(cast, django_capture_on_commit_callbacks, tmp_path):
    from tests.reports.test_closeout import _dissolve, _documents, _pdf, _signed

    _signed(cast)
    _dissolve(cast, django_capture_on_commit_callbacks)
    documents = _documents(cast.network)
    assert set(documents) == {"th", "en"}
    for language, document in documents.items():
        _inside(_pdf(cast, document), tmp_path / language)
