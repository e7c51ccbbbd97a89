"""The verify page's pre-scan (core.sealing.upload_too_complex) always ends, and fast.

It runs pyHanko's cross-reference table parser over what anyone uploads. That parser
loops for ever on some malformed tables (a short line starting with CR or LF near the
end of the data): the pre-scan bounds what the parser may read, so a public upload
cannot hold a worker.
"""

from __future__ import annotations

import threading
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.sealing import UPLOAD_MAX_OBJECTS, _xref_table_entries, upload_too_complex

# Found by fuzzing: pyHanko's parse_xref_table never returns on this (47 bytes).
LOOPING_TABLE = b"xref\n0 3\n0000000000 65535 f3\n\nf) \n0000000015 00"
TABLE = b"xref\n0 3\n0000000000 65535 f \n0000000015 00000 n \n0000000079 00000 n \ntrailer\n<<>>"


def finishes(function, *args, seconds: float = 5.0):
    """(finished, result): the call runs in a daemon thread so a hang fails the test."""
    result = []
    worker = threading.Thread(target=lambda: result.append(function(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    return (not worker.is_alive()), (result[0] if result else None)


def test_a_table_that_loops_pyhanko_is_too_complex():
    for data in (LOOPING_TABLE, b"%PDF-1.7\n" + LOOPING_TABLE):
        done, answer = finishes(upload_too_complex, data)
        assert done
        assert answer is True


def test_a_well_formed_table_is_counted():
    assert _xref_table_entries(TABLE, UPLOAD_MAX_OBJECTS) == 3
    crlf = TABLE.replace(b" \n", b"\r\n")
    assert _xref_table_entries(crlf, UPLOAD_MAX_OBJECTS) == 3


def test_a_full_budget_of_lines_is_still_read():
    # The read allowance leaves room for every line the budget allows, even with CR LF.
    lines = b"0000000009 00000 n\r\n" * UPLOAD_MAX_OBJECTS
    data = b"xref\n0 %d\n" % UPLOAD_MAX_OBJECTS + lines + b"trailer\n<<>>"
    assert _xref_table_entries(data, UPLOAD_MAX_OBJECTS) == UPLOAD_MAX_OBJECTS


def test_whitespace_after_xref_is_not_read_to_the_end():
    data = b"xref\n0 1\n" + b" " * 5_000_000
    started = time.monotonic()
    assert _xref_table_entries(data, UPLOAD_MAX_OBJECTS) is None
    assert time.monotonic() - started < 2


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(TABLE)),
            st.integers(0, 8),
            st.binary(max_size=6).map(
                lambda b: b.translate(bytes(b"\n\r 0f n"[i % 7] for i in range(256)))
            ),
        ),
        max_size=6,
    ),
    cut=st.integers(0, len(TABLE)),
)
def test_mutated_tables_always_get_an_answer(edits, cut):
    data = bytearray(TABLE)
    for position, removed, inserted in edits:
        data[position : position + removed] = inserted
    data = bytes(data[: max(cut, 5)])
    done, answer = finishes(upload_too_complex, data, seconds=5.0)
    assert done, data
    assert answer in (True, False)
