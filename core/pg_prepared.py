"""Statements prepared once per database connection (PostgreSQL's ``PREPARE``).

PostgreSQL plans a statement every time it receives its text, and for the pages'
reads planning cost more than running: My tasks' six compiled reads took 3.4 ms to
plan against 0.4 ms to run, the network page's fingerprint 2.5 ms against about 1.5
(``EXPLAIN (ANALYZE, SUMMARY)`` on the national data). A prepared statement is planned
on its first executions and then, where PostgreSQL finds its generic plan as good, not
again. The database shares the web workers' cores, so that time is theirs too.

The ``PREPARE`` goes in the same round trip as the statement's first ``EXECUTE`` on a
connection: a page makes no more queries than before. A prepared statement lives as
long as its connection and outlives a rolled-back transaction; the next connection
(after ``CONN_MAX_AGE``, or a dropped one) prepares again.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

# The statement names prepared on each connection (psycopg's, held weakly).
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
# At most this many per connection: past it, the connection's are let go (DEALLOCATE
# ALL) before the next is prepared. Statements come from the code's queries, but some
# carry a value in their text (a page's OFFSET), so a visitor could otherwise make a
# connection hold as many as they ask for.
LIMIT = 200
# In a connection's names: what it holds is unknown (not a statement's name).
_UNKNOWN = "?"


def execute(cursor, body: str, values: Sequence, *, inline: Sequence = ()) -> None:
    """Run ``body`` prepared once per connection; the rows are then the cursor's.

    ``body`` is SQL whose ``$1`` … ``$n`` are ``values`` (sent with each ``EXECUTE``)
    and whose ``%s`` are ``inline``: constants written into the prepared text, as the
    ORM's own (an ``EXISTS``'s ``SELECT 1``, a choice's code) are, so that PostgreSQL
    can type them; ``%%`` is a percent sign."""
    raw = cursor.db.connection
    digest = hashlib.sha1(f"{body}\0{tuple(inline)!r}".encode(), usedforsecurity=False)
    name = "kk_" + digest.hexdigest()[:24]
    arguments = ", ".join(["%s"] * len(values))
    run = f"EXECUTE {name}({arguments})" if values else f"EXECUTE {name}"
    done = _PREPARED.setdefault(raw, set())
    if name in done:
        statement, params = run, list(values)
    else:
        # Past the limit, or after a failure left the server's statements unknown.
        forget = "DEALLOCATE ALL; " if len(done) >= LIMIT or _UNKNOWN in done else ""
        statement, params = f"{forget}PREPARE {name} AS {body}; {run}", [*inline, *values]
    try:
        cursor.execute(statement, params)
    except Exception:
        # What the server holds is not known any more: a PREPARE may have run and its
        # EXECUTE failed (a timeout), a DEALLOCATE may have run, or a migration may
        # have changed a remembered statement's columns. The next statement on this
        # connection starts again from none.
        done.clear()
        done.add(_UNKNOWN)
        raise
    if statement is run:
        return
    if statement.startswith("DEALLOCATE"):
        done.clear()
        cursor.nextset()
    done.add(name)
    cursor.nextset()  # past the PREPARE's empty result, to the EXECUTE's rows


def statement_text(cursor, sql: str) -> str:
    """The SQL a captured query ran: for ``EXECUTE kk_…`` its prepared text (from this
    connection's ``pg_prepared_statements``), for ``[DEALLOCATE ALL; ]PREPARE kk_… AS
    …; EXECUTE kk_…`` the statement it prepared; any other SQL as it is. For tests that
    read the queries a page made; LookupError when the connection does not hold it."""
    text = sql.removeprefix("DEALLOCATE ALL; ")
    found = re.match(r"(?:PREPARE|EXECUTE) (kk_[0-9a-f]+)", text)
    if not found:
        return sql
    name = found[1]
    if text.startswith("EXECUTE"):
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"{name} is not prepared on this connection")
        text = row[0].removeprefix("DEALLOCATE ALL; ")
    body = text.removeprefix(f"PREPARE {name} AS ")
    return body[: body.rindex(f"; EXECUTE {name}")]


def execute_named(cursor, sql: str, params: Mapping[str, Any]) -> None:
    """``execute`` for SQL written with named parameters (``%(n)s``), every one a value."""
    names = sorted(params)
    body = sql
    for position, key in enumerate(names, 1):
        body = body.replace(f"%({key})s", f"${position}")
    execute(cursor, body, [params[key] for key in names])


_PARAMETER = re.compile(r"%%|%s")


def split_parameters(sql: str, is_value: Sequence[bool]) -> tuple[str, list[int]]:
    """``sql`` (``%s`` parameters) with the parameters where ``is_value`` is true
    numbered ``$1`` … ``$n`` and the others left ``%s``; and the positions of the
    numbered ones, in order."""
    positions: list[int] = []
    seen = iter(range(len(is_value)))

    def number(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"
        position = next(seen)
        if not is_value[position]:
            return "%s"
        positions.append(position)
        return f"${len(positions)}"

    return _PARAMETER.sub(number, sql), positions
