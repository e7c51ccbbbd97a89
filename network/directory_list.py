"""The directory's list of organisations as HTML, drawn in one pass per page.

The template's loop drew each of a page's 50 rows through seven variables and two
conditions: 0.39 ms of the site admin's search (issue 17; docs/performance.md,
"Twenty-first pass"), against 0.07 ms here. The markup is the loop's, unchanged;
every value is escaped here (``html.escape``, as Django's ``escape`` does), and the
page's template keeps everything around the rows.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_ROW = (
    '<a class="list-group-item list-group-item-action" href="{url}">\n'
    '      <div class="fw-semibold">{name_th} {badge}\n</div>\n'
    "      {name_en}\n"
    '      <div class="small text-muted">{details}</div>\n'
    "    </a>\n"
)
_NAME_EN = '<div class="small">{}</div>'


def directory_list_html(rows: list[dict]) -> SafeString:
    """The rows of ``selectors.pages.directory_rows`` (each with its ``url``)."""
    verified = f'<span class="badge text-bg-success">{escape(_("Verified"))}</span>'
    unverified = f'<span class="badge text-bg-light border">{escape(_("Not verified"))}</span>'
    return mark_safe(
        "".join(
            _ROW.format(
                url=escape(row["url"]),
                name_th=escape(row["name_th"]),
                badge=verified if row["verified"] else unverified,
                name_en=_NAME_EN.format(escape(row["name_en"])) if row["name_en"] else "",
                details=escape(row["details"]),
            )
            for row in rows
        )
    )
