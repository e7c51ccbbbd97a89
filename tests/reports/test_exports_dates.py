"""Issue 13 item 10: dates in exports are dates — date cells in XLSX, ISO 8601 in CSV —
so a spreadsheet sorts and filters them (they were Thai text such as "7 ต.ค. 2569")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reports.models import ProgressReport
from tests.roadmap.factories import ActivityFactory

from .conftest import bkk

pytestmark = pytest.mark.django_db


def _submit(report: ProgressReport, when: dt.datetime) -> None:
    ProgressReport.objects.filter(pk=report.pk).update(status="submitted", submitted_at=when)


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def exported(cast, reporting):
    _schedule, _period, reports = reporting
    # 23:30 in Bangkok on the due date: still the 7th there, already the 7th 16:30 UTC.
    _submit(reports[cast.partner_org.pk], bkk(2026, 10, 7, 23, 30))
    ActivityFactory(network=cast.network, title="=cmd|' /C calc'!A0", due_on=dt.date(2027, 2, 28))
    ActivityFactory(network=cast.network, due_on=None)
    return f"/networks/{cast.network.slug}/reports/export/", cast.client("coordinator")


def test_xlsx_dates_are_date_cells_with_a_number_format(cast, exported):
    base, client = exported
    sheet = _sheet(client.get(base + "reports.xlsx"))
    header = [c.value for c in sheet[1]]
    due, submitted = header.index("ครบกำหนด"), header.index("ส่งเมื่อ")
    rows = list(sheet.iter_rows(min_row=2))
    assert rows
    for row in rows:
        cell = row[due]
        assert cell.is_date, cell.value
        assert cell.data_type == "d", cell.value
        assert cell.value.date() == dt.date(2026, 10, 7)  # openpyxl reads dates back as datetimes
        assert cell.number_format == "yyyy-mm-dd"
    sent = [row[submitted] for row in rows if row[submitted].value is not None]
    assert len(sent) == 1
    assert sent[0].is_date
    assert sent[0].number_format == "yyyy-mm-dd hh:mm"
    # Bangkok wall-clock time (XLSX has no time zones), not UTC's 16:30.
    assert sent[0].value == dt.datetime(2026, 10, 7, 23, 30)
    # The header row stays put while scrolling.
    assert sheet.freeze_panes == "A2"


def test_xlsx_activity_due_dates_are_date_cells(cast, exported):
    base, client = exported
    sheet = _sheet(client.get(base + "activities.xlsx"))
    header = [c.value for c in sheet[1]]
    due = header.index("ครบกำหนด")
    values = [row[due] for row in sheet.iter_rows(min_row=2)]
    dated = [c for c in values if c.value is not None]
    assert [c.value.date() for c in dated] == [dt.date(2027, 2, 28)]
    assert dated[0].is_date
    assert dated[0].number_format == "yyyy-mm-dd"
    assert len(values) == 2  # the undated activity: an empty cell, not a text dash
    # Text that looks like a formula is still defused.
    titles = [row[header.index("กิจกรรม")].value for row in sheet.iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in titles


def test_csv_dates_are_iso_8601(cast, exported):
    base, client = exported
    rows = _csv(client.get(base + "reports.csv"))
    header = rows[0]
    due, submitted = header.index("ครบกำหนด"), header.index("ส่งเมื่อ")
    assert {row[due] for row in rows[1:]} == {"2026-10-07"}
    sent = [row[submitted] for row in rows[1:] if row[submitted]]
    assert sent == ["2026-10-07T23:30:00+07:00"]
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", v)
        for v in sent  # sortable as text too
    )
    rows = _csv(client.get(base + "activities.csv"))
    due = rows[0].index("ครบกำหนด")
    assert sorted(row[due] for row in rows[1:]) == ["", "2027-02-28"]


def test_english_headers_same_dates(cast, exported):
    base, client = exported
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _csv(client.get(base + "reports.csv"))
    assert rows[0][:2] == ["Period", "Due on"]
    assert rows[1][0] == "Q3 2026"
    assert rows[1][1] == "2026-10-07"
