"""Where a page's time goes: SQL, ORM and view code, template rendering, middleware.

``python -m bench.national split`` (against the national database, DATABASE_URL set as
bench/bench_national.py sets it) calls Django's own WSGI handler in process, the way
gunicorn does, with a real session cookie, and times four disjoint parts of each request:

- **sql**: time inside the database driver (``connection.execute_wrapper``), wherever
  the query ran (a lazy queryset evaluated by a template counts here, not as template);
- **template**: time inside the outermost ``Template.render`` calls, minus the SQL that
  ran inside them;
- **view + ORM**: time inside ``BaseHandler._get_response`` (URL resolution, the view, its
  selectors, model instances built from rows), minus templates and SQL;
- **middleware**: the rest of the request (sessions, auth, CSRF, CSP, language, …) minus
  its own SQL (the session and user lookups).

A fifth column, **cpu**, is this process's CPU time for the request (``process_time``):
it leaves out waiting for PostgreSQL and for a core, so it holds on a busy machine.

The four add up to the request's wall time. ``--profile PAGE`` prints the top of a
cProfile of that page instead (``--sort tottime`` or ``cumulative``).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from unittest import mock


class _Clock:
    """Accumulates the four parts of one request."""

    def __init__(self) -> None:
        self.sql = 0.0
        self.sql_in_template = 0.0
        self.sql_in_view = 0.0
        self.template = 0.0
        self.view = 0.0
        self._template_depth = 0
        self._in_view = False

    def sql_wrapper(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            if self._template_depth:
                self.sql_in_template += spent
            if self._in_view:
                self.sql_in_view += spent


class _Current:
    """The clock of the request being timed (patches are installed once, before the
    handler is built: the middleware chain binds ``_get_response`` when it is built)."""

    clock = _Clock()


@contextmanager
def _instrumented():
    from django.core.handlers.base import BaseHandler
    from django.db import connection
    from django.template.base import Template

    original_render = Template.render
    original_get_response = BaseHandler._get_response

    def render(self, context):
        clock = _Current.clock
        clock._template_depth += 1
        started = time.perf_counter()
        try:
            return original_render(self, context)
        finally:
            clock._template_depth -= 1
            if clock._template_depth == 0:
                clock.template += time.perf_counter() - started

    def get_response(self, request):
        clock = _Current.clock
        clock._in_view = True
        started = time.perf_counter()
        try:
            return original_get_response(self, request)
        finally:
            clock.view += time.perf_counter() - started
            clock._in_view = False

    def sql_wrapper(execute, sql, params, many, context):
        return _Current.clock.sql_wrapper(execute, sql, params, many, context)

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(Template, "render", render))
        stack.enter_context(mock.patch.object(BaseHandler, "_get_response", get_response))
        stack.enter_context(connection.execute_wrapper(sql_wrapper))
        yield


def _environ(path: str, cookie: str) -> dict:
    from io import BytesIO

    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT_LANGUAGE": "th",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _call(handler, path: str, cookie: str) -> tuple[str, int]:
    status_line: list[str] = []

    def start_response(status, headers, exc_info=None):
        status_line.append(status)

    body = handler(_environ(path, cookie), start_response)
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return status_line[0], size


def split(targets: list[dict], *, repeat: int = 30) -> dict[str, dict]:
    """Median of ``repeat`` requests per page, after three warm-up requests."""
    from django.core.handlers.wsgi import WSGIHandler

    out: dict[str, dict] = {}
    with _instrumented():
        handler = WSGIHandler()
        for target in targets:
            out[target["page"]] = _split_one(handler, target, repeat=repeat)
    return out


def _split_one(handler, target: dict, *, repeat: int) -> dict:
    from bench.load import session_cookie_for

    cookie = session_cookie_for(target["user"])
    for _ in range(3):
        status, _size = _call(handler, target["path"], cookie)
        if not status.startswith("200"):
            raise RuntimeError(f"{target['path']}: {status}")
    rows = []
    for _ in range(repeat):
        clock = _Current.clock = _Clock()
        cpu_started = time.process_time()
        started = time.perf_counter()
        _call(handler, target["path"], cookie)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        template = clock.template - clock.sql_in_template
        view = clock.view - clock.template - (clock.sql_in_view - clock.sql_in_template)
        middleware = total - clock.view - (clock.sql - clock.sql_in_view)
        rows.append((total, clock.sql, view, template, middleware, cpu))
    medians = [statistics.median(column) * 1000 for column in zip(*rows, strict=True)]
    return dict(
        zip(
            ("total_ms", "sql_ms", "view_orm_ms", "template_ms", "middleware_ms", "cpu_ms"),
            (round(m, 1) for m in medians),
            strict=True,
        )
    )


def profile(targets: list[dict], page: str, *, sort: str = "tottime", repeat: int = 30) -> str:
    from django.core.handlers.wsgi import WSGIHandler

    from bench.load import session_cookie_for

    target = next(t for t in targets if t["page"].startswith(page))
    handler = WSGIHandler()
    cookie = session_cookie_for(target["user"])
    for _ in range(3):
        _call(handler, target["path"], cookie)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        _call(handler, target["path"], cookie)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(sort).print_stats(45)
    return text.getvalue()


def table(result: dict[str, dict]) -> str:
    lines = [
        f"{'page (in process, median ms)':<44} {'total':>7} {'sql':>7} {'view+ORM':>9} "
        f"{'template':>9} {'middleware':>11} {'cpu':>6}"
    ]
    for page, r in result.items():
        lines.append(
            f"{page:<44} {r['total_ms']:>7.1f} {r['sql_ms']:>7.1f} {r['view_orm_ms']:>9.1f} "
            f"{r['template_ms']:>9.1f} {r['middleware_ms']:>11.1f} {r.get('cpu_ms', 0):>6.1f}"
        )
    return "\n".join(lines)
