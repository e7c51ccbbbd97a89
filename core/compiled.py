"""ORM queries compiled once per process and shape, run with each request's values.

Building a queryset and compiling it to SQL (``filter``, ``add_q``, ``as_sql``) costs
Django several times what running it costs: on My tasks, 2.5-3 ms of CPU per query
against about 0.3 ms to send the SQL and read the rows. The SQL of a query whose
*structure* does not change between requests (only its values: the person, their
networks, today) is the same text each time, so ``rows`` asks the ORM for it once, with
a placeholder in place of each value, keeps the text, and afterwards only fills the
placeholders and runs it. Tables, joins, the models' orderings and the converters of
the selected columns all still come from the ORM; nothing is written by hand.

The builder must depend on nothing but the values it is given (no ``timezone.now()``,
no setting, no language): anything else would be frozen into the kept SQL. A list of
values compiles to one placeholder per item, so the shape (how many items each list
holds) is part of the key; ``None`` is refused because the ORM compiles it differently
(``IS NULL``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, QuerySet

from .kept import Kept

# Compiled statements: a few per query (one per shape seen), a few hundred bytes each.
_STATEMENTS = Kept(512)
_EMPTY = ("", (), (), 0, False)  # the ORM proved the query empty (EmptyResultSet)


class _Marker:
    """Stands in a compiled statement's parameters for the value at ``path``."""

    __slots__ = ("path",)

    def __init__(self, path: tuple) -> None:
        self.path = path


class Slot(Expression):
    """A placeholder the builder receives instead of a value: it compiles to ``%s``."""

    def __init__(self, path: tuple) -> None:
        super().__init__()
        self.path = path

    def as_sql(self, compiler, connection):
        return "%s", [_Marker(self.path)]


def _placeholders(value: Any, path: tuple) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_placeholders(v, (*path, i)) for i, v in enumerate(value))
    return Slot(path)


def _shape(value: Any, name: str) -> Any:
    """How many items each list holds (the key); ``None`` anywhere is refused."""
    if isinstance(value, (list, tuple)):
        return tuple(_shape(v, name) for v in value)
    if value is None:
        raise ValueError(f"core.compiled: None in {name!r} (the ORM compiles it as IS NULL)")
    return 0


def _value_at(values: dict, path: tuple, connection) -> Any:
    value: Any = values
    for step in path:
        value = value[step]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def _compile(build: Callable[..., QuerySet], slots: dict, using: str) -> tuple:
    queryset = build(**{name: _placeholders(v, (name,)) for name, v in slots.items()})
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _EMPTY
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = tuple(compiler.get_converters(fields).items())
    return sql, tuple(params), converters, compiler.col_count, compiler.has_extra_select


def rows(build: Callable[..., QuerySet], using: str = "default", **slots: Any) -> Iterator[tuple]:
    """The rows of ``build(**slots).values_list(...)``, as tuples, in the ORM's order."""
    connection = connections[using]
    key = (
        build,
        using,
        connection.vendor,
        tuple((n, _shape(v, n)) for n, v in sorted(slots.items())),
    )
    sql, params, converters, col_count, trim = _STATEMENTS.get_or_render(
        key, lambda: _compile(build, slots, using)
    )
    if not sql:
        return iter(())
    filled = [_value_at(slots, p.path, connection) if isinstance(p, _Marker) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, filled)
        fetched = cursor.fetchall()
    if trim:
        fetched = [r[:col_count] for r in fetched]
    if not converters:
        return iter([tuple(r) for r in fetched])
    return iter(_converted(fetched, converters, connection))


def _converted(fetched: list, converters: tuple, connection) -> list[tuple]:
    out = []
    for row in fetched:
        row = list(row)
        for pos, (convs, expression) in converters:
            value = row[pos]
            for converter in convs:
                value = converter(value, expression, connection)
            row[pos] = value
        out.append(tuple(row))
    return out


def clear() -> None:
    """Forget every compiled statement (tests; a new process starts empty anyway)."""
    _STATEMENTS.clear()
