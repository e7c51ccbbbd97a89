"""Checking every row and column of a file: the preview, which writes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from network.models import Network, Role

from .codes import _key, _quote
from .columns import EXAMPLE_KEY, KINDS, Column, _example_value, _export_only_headers, _too_long
from .limits import MAX_ROWS
from .planning import plan_organisations, plan_people
from .reading import _read
from .results import Preview, Problem, Table


def _unquote(value: str) -> str:
    """Our exports put an apostrophe before a cell starting with = + - @ (so that no
    spreadsheet runs it as a formula); the import takes it off again."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def _rows(
    result: Preview, *, table: Table | None, rows: list[list[str]] | None, text: str | None
) -> list[list[str]]:
    """The file's rows as text, trailing empty rows dropped; none when reading it
    already found a problem (then the result says so)."""
    if table is not None:
        rows = table.rows
        result.notes.extend(table.notes)
        result.problems.extend(table.problems)
        if result.problems:
            return []
    if rows is None:
        rows = _read(text or "", result.problems)
        if result.problems:
            return []
    rows = [[str(cell) for cell in row] for row in rows]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        result.problems.append(Problem(1, "", _("The file is empty.")))
    return rows


def _positions(header: list[str], columns: tuple[Column, ...], result: Preview) -> dict[str, int]:
    """Where each known column is; unknown columns and missing required ones are
    problems, and columns our export writes only to be read are noted as ignored."""
    ignored = _export_only_headers(result.kind)
    positions: dict[str, int] = {}
    for index, name in enumerate(_key(h) for h in header):
        column = next((c for c in columns if name in c.headers() and c.key not in positions), None)
        if column is not None:
            positions[column.key] = index
        elif name in ignored:
            result.notes.append(
                _("The column “%(name)s” is not imported (our export writes it to be read).")
                % {"name": _quote(header[index].strip())}
            )
        elif name:
            result.problems.append(
                Problem(1, header[index].strip(), _("This column is not recognised."))
            )
    for column in columns:
        if column.required and column.key not in positions:
            result.problems.append(Problem(1, column.label, _("This column is missing.")))
    return positions


def _cell(column: Column, value: str) -> str:
    """The stored value of one cell, or a ValidationError saying what is wrong."""
    if not value and column.required:
        raise ValidationError(_("This value is required."))
    if len(value) > column.max_length:
        raise ValidationError(_too_long(column.max_length, value))
    if "\x00" in value:
        # PostgreSQL cannot store (or even compare) a NUL character.
        raise ValidationError(_("This cell contains a null character, which cannot be stored."))
    cleaned = column.cleaned(value)
    if len(cleaned) > column.max_length:  # e.g. a web address given its https://
        raise ValidationError(_too_long(column.max_length, cleaned))
    return cleaned


def _row(
    number: int, raw: list[str], *, positions: dict[str, int], named: dict, result: Preview
) -> dict:
    """One row's cleaned cells by column key; each bad cell is a problem."""
    row: dict = {"_row": number}
    for column in result.columns:
        index = positions.get(column.key)
        value = _unquote(raw[index].strip()) if index is not None and index < len(raw) else ""
        try:
            cleaned = _cell(column, value)
        except ValidationError as error:
            result.problems.append(Problem(number, named[column.key], " ".join(error.messages)))
            continue
        row[column.key] = cleaned
    if result.kind == "people":
        row["role"] = row.get("role") or Role.Kind.MEMBER
    return row


def _body(body: list[list[str]], *, positions: dict[str, int], named: dict, result: Preview):
    """Every row below the header: blank rows and the template's example skipped, the
    same organisation twice a problem."""
    example = _example_value(result.kind)
    example_index = positions[EXAMPLE_KEY[result.kind]]
    seen: dict[str, int] = {}
    for number, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if example_index < len(raw) and raw[example_index].strip() == example:
            result.notes.append(
                _("Row %(row)s is the template's example: it is left out.") % {"row": number}
            )
            continue
        row = _row(number, raw, positions=positions, named=named, result=result)
        name = row.get("name_th") if result.kind == "organisations" else None
        if name and name in seen:
            result.problems.append(
                Problem(
                    number,
                    named["name_th"],
                    _("The same organisation is already on row %(row)s.") % {"row": seen[name]},
                )
            )
        if name:
            seen[name] = number
        result.rows.append(row)


def preview(
    *,
    network: Network,
    kind: str,
    text: str | None = None,
    rows: list[list[str]] | None = None,
    user=None,
    table: Table | None = None,
) -> Preview:
    """Check every row and column; write nothing. The cells come as a ``table`` (from
    ``read``: its notes and problems too), as ``rows`` (a table's rows, kept between
    preview and confirm) or as CSV ``text``. ``user`` is who would import it: the
    rule of ``services.organisation_attach`` depends on them."""
    result = Preview(kind=kind, columns=KINDS[kind])
    rows = _rows(result, table=table, rows=rows, text=text)
    if result.problems:
        return result
    positions = _positions(rows[0], result.columns, result)
    if result.problems:
        return result
    body = rows[1:]
    if len(body) > MAX_ROWS:
        result.problems.append(
            Problem(1, "", _("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS})
        )
        return result
    # Problems name a column as the file names it, in whichever language it uses.
    named = {key: rows[0][index].replace("\ufeff", "").strip() for key, index in positions.items()}
    _body(body, positions=positions, named=named, result=result)
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, "", _("The file has a header but no rows.")))
    if kind == "organisations":
        plan_organisations(network, result, user=user, column=named["name_th"])
    else:
        plan_people(network, result, named=named)
    return result
