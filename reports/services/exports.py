"""CSV and Excel exports of a network's reports and activities.

Dates stay dates (and times stay aware datetimes) until the file is written: CSV gets
ISO 8601, Excel real date cells, so a spreadsheet sorts and filters them. A cell that
starts like a formula is defused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Network
from reports.models import ProgressReport
from reports.selectors.reports import standing_labels
from reports.selectors.roadmap_reads import activity_rows

# A sheet's title is at most this long in Excel.
SHEET_TITLE_LENGTH = 31


def export_rows(*, network: Network, what: str) -> tuple[list[str], list[list]]:
    """(header, rows) of the network's reports or activities, in the current language."""
    if what == "reports":
        return _report_rows(network)
    header = [_("Step"), _("Activity"), _("Owners"), _("Due on"), _("Status"), _("Percent")]
    rows = [
        [a["step"], a["title"], a["owners"], a["due_on"], a["status"], a["percent"]]
        for a in activity_rows(network)
    ]
    return [str(h) for h in header], rows


def _report_rows(network: Network) -> tuple[list[str], list[list]]:
    header = [
        _("Period"),
        _("Due on"),
        _("Organisation"),
        _("Status"),
        _("Standing"),
        _("Submitted at"),
        _("Problems"),
        _("Help needed"),
    ]
    standing = standing_labels()
    rows = [
        [
            r.period.label,
            r.period.due_on,
            r.organisation.name,
            r.get_status_display(),
            standing[r.standing],
            r.submitted_at,
            r.problems,
            r.help_needed,
        ]
        for r in ProgressReport.objects.for_network(network).select_related(
            "period", "organisation"
        )
    ]
    return [str(h) for h in header], rows


def export_csv(*, header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow([_iso(_defuse(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads Thai as UTF-8


def export_xlsx(*, header: list[str], rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - openpyxl (~10 MB) loads on the first export

    book = Workbook()
    sheet = book.active
    sheet.title = title[:SHEET_TITLE_LENGTH]
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_spreadsheet_value(_defuse(v)) for v in row])
        # Real date cells with a number format: the column sorts and filters as dates.
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _defuse(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def _iso(value):
    """ISO 8601 for CSV: 2026-10-07, and times in Bangkok with their offset."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _spreadsheet_value(value):
    """XLSX has no time zones: a time is written as Bangkok wall-clock time."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value
