"""ORM queries compiled once per process and shape, run with each request's values.

Building a queryset and compiling it to SQL (``filter``, ``add_q``, ``as_sql``) costs
Django several times what running it costs: on My tasks, 2.5-3 ms of CPU per query
against about 0.3 ms to send the SQL and read the rows. The SQL of a query whose
*structure* does not change between requests (only its values: the person, their
networks, today) is the same text each time, so ``rows`` asks the ORM for it once, with
a placeholder in place of each value, keeps the text, and afterwards only fills the
placeholders and runs it. Tables, joins, the models' orderings and the converters of
the selected columns all still come from the ORM; nothing is written by hand.

``rows`` gives ``values_list`` tuples; ``objects`` gives model instances with their
``select_related`` objects and annotations, built as the ORM builds them (the session
read of core.sessions, network_access's network with the user's roles).

The builder must depend on nothing but the values it is given (no ``timezone.now()``,
no setting, no language): anything else would be frozen into the kept SQL. A list of
values compiles to one placeholder per item, so the shape (how many items each list
holds) is part of the key; ``None`` is refused because the ORM compiles it differently
(``IS NULL``). A pattern lookup (``icontains``) on a placeholder is what the ORM makes
of one on any expression: the database escapes the value's ``%``, ``_`` and ``\\``
(``pattern_esc``), so it matches what the same lookup on a plain value matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, Model, QuerySet
from django.db.models.query import get_related_populators

from . import pg_prepared
from .kept import Kept

# Compiled statements: a few per query (one per shape seen), a few hundred bytes each.
_STATEMENTS = Kept(512)


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
    """The value as the ORM hands it to the driver (dates and aware datetimes as the
    backend stores them: text on SQLite)."""
    value: Any = values
    for step in path:
        value = value[step]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("core.compiled: datetimes must be aware")
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _has_pattern(sql: str, connection) -> bool:
    """Whether a pattern lookup (``icontains``) takes a placeholder anywhere in the
    statement, subqueries included: the ORM escapes such a value in SQL
    (``pattern_esc``), which no lookup on a plain value writes. The best plan for a
    pattern depends on it (a name's fragment found in a few hundred rows or in half the
    country), so such a statement is not prepared, whose generic plan would be one for
    every pattern (a site admin's one-letter search took 59 ms against 32)."""
    return connection.pattern_esc.split("{}")[0] in sql


class _Statement:
    """One compiled query: its SQL, parameters (markers where the values go), the
    selected columns' converters and, for ``objects``, how rows become instances."""

    def __init__(self, build, slots: dict, fixed: dict, using: str, models: bool) -> None:
        placeholders = {name: _placeholders(v, (name,)) for name, v in slots.items()}
        queryset = build(**placeholders, **fixed)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # the ORM proved the query empty
            sql, params = "", ()
        self.sql, self.params = sql, tuple(params)
        if not sql:
            return
        # On PostgreSQL the statement is prepared once per connection (core.pg_prepared):
        # the values go with each EXECUTE, the ORM's own constants into the prepared text.
        self.prepared = None
        connection = connections[using]
        if connection.vendor == "postgresql" and not _has_pattern(sql, connection):
            is_value = [isinstance(p, _Marker) for p in params]
            body, positions = pg_prepared.split_parameters(sql, is_value)
            inline = [p for p, value in zip(params, is_value, strict=True) if not value]
            self.prepared = (body, [params[i] for i in positions], inline)
        self.col_count = compiler.col_count
        self.trim = compiler.has_extra_select
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = tuple(compiler.get_converters(fields).items())
        if models:
            klass_info = compiler.klass_info
            select = compiler.select
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model = klass_info["model"]
            self.span = (start, end)
            self.init_list = [f[0].target.attname for f in select[start:end]]
            self.populators = get_related_populators(klass_info, select, using)
            self.annotations = dict(compiler.annotation_col_map or {})

    def fetch(self, slots: dict, connection) -> list[tuple]:
        """The rows for these values, converted as the ORM converts them."""
        if not self.sql:
            return []
        with connection.cursor() as cursor:
            if self.prepared is not None:
                body, markers, inline = self.prepared
                values = [_value_at(slots, m.path, connection) for m in markers]
                pg_prepared.execute(cursor, body, values, inline=inline)
            else:
                filled = [
                    _value_at(slots, p.path, connection) if isinstance(p, _Marker) else p
                    for p in self.params
                ]
                cursor.execute(self.sql, filled)
            fetched = cursor.fetchall()
        if self.trim:
            fetched = [r[: self.col_count] for r in fetched]
        if not self.converters:
            return [tuple(r) for r in fetched]
        return _converted(fetched, self.converters, connection)


def _statement(build, using: str, slots: dict, fixed, *, models: bool) -> tuple[_Statement, Any]:
    fixed = dict(fixed or {})
    connection = connections[using]
    key = (
        build,
        using,
        connection.vendor,
        models,
        tuple((n, _shape(v, n)) for n, v in sorted(slots.items())),
        tuple(sorted(fixed.items())),
    )
    statement = _STATEMENTS.get_or_render(
        key, lambda: _Statement(build, slots, fixed, using, models)
    )
    return statement, connection


def rows(
    build: Callable[..., QuerySet],
    using: str = "default",
    fixed: Mapping[str, Hashable] | None = None,
    **slots: Any,
) -> Iterator[tuple]:
    """The rows of ``build(**slots).values_list(...)``, as tuples, in the ORM's order.

    ``fixed`` values are handed to the builder as they are and written into the SQL
    (one statement per value, as per shape): what cannot be a placeholder, such as the
    number of rows of a slice."""
    statement, connection = _statement(build, using, slots, fixed, models=False)
    return iter(statement.fetch(slots, connection))


def objects(
    build: Callable[..., QuerySet],
    using: str = "default",
    fixed: Mapping[str, Hashable] | None = None,
    **slots: Any,
) -> list[Model]:
    """The model instances of ``build(**slots)`` (a plain model queryset), with their
    ``select_related`` objects and annotations, in the ORM's order."""
    statement, connection = _statement(build, using, slots, fixed, models=True)
    out = []
    start, end = statement.span if statement.sql else (0, 0)
    for row in statement.fetch(slots, connection):
        obj = statement.model.from_db(using, statement.init_list, row[start:end])
        for populator in statement.populators:
            populator.populate(row, obj)
        for attr, position in statement.annotations.items():
            setattr(obj, attr, row[position])
        out.append(obj)
    return out


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
