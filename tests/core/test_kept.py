"""core.kept: the per-process store of rendered fragments."""

from __future__ import annotations

import threading

import pytest

from core.kept import Kept, rows_fingerprint


def test_the_store_keeps_only_the_latest():
    store = Kept(2)
    for n in range(3):
        store.put((n,), str(n))
    assert store.get((0,)) is None
    assert store.get((1,)) == "1"
    store.put((3,), "3")  # (1,) was used last: (2,) goes
    assert store.get((2,)) is None
    assert store.get((1,)) == "1"
    assert len(store) == 2
    store.clear()
    assert store.get((1,)) is None


def test_get_or_render_draws_once_per_key():
    store = Kept(8)
    drawn: list[int] = []

    def draw(n: int):
        return lambda: drawn.append(n) or f"<p>{n}</p>"

    assert store.get_or_render(("a",), draw(1)) == "<p>1</p>"
    assert store.get_or_render(("a",), draw(2)) == "<p>1</p>"
    assert store.get_or_render(("b",), draw(3)) == "<p>3</p>"
    assert drawn == [1, 3]


def test_threads_share_one_store():
    store = Kept(64)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(200):
                key = (i % 80,)
                value = store.get_or_render(key, lambda i=i: f"v{i % 80}")
                assert value == f"v{i % 80}"
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(store) <= 64


def test_no_fingerprint_outside_postgresql(db, settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        assert rows_fingerprint("SELECT md5('x')", {}) == "9dd4e461268c8034f5c8564e155c67a6"
    else:
        assert rows_fingerprint("SELECT 1", {}) is None


@pytest.mark.django_db(transaction=True)
def test_a_fingerprint_is_prepared_once_per_connection_and_outlives_a_rollback():
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = "SELECT md5(concat_ws('|', %(b)s::text, %(a)s::text, '50%%'))"
    with connection.cursor() as cursor:
        cursor.execute("SELECT md5('2|1|50%')")
        (expected,) = cursor.fetchone()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'kk_%%'")
            return cursor.fetchone()[0]

    before = prepared()
    assert rows_fingerprint(sql, {"a": 1, "b": 2}) == expected
    assert prepared() == before + 1
    with transaction.atomic():
        sid = transaction.savepoint()
        assert rows_fingerprint(sql, {"a": 1, "b": 2}) == expected
        transaction.savepoint_rollback(sid)
    assert rows_fingerprint(sql, {"a": 3, "b": 4}) != expected
    assert prepared() == before + 1  # the same statement, other values
    connection.close()  # the next connection has none: it prepares again
    assert rows_fingerprint(sql, {"a": 1, "b": 2}) == expected
    assert prepared() == 1
