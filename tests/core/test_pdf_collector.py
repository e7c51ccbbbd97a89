"""The garbage collector waits while render_pdf renders, then runs once (core.pdf.collector)."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from core.pdf import collector, render_pdf

from .pdf_helpers import pdftotext, watching_collections

# Enough boxes for the collector to start many times if it were left running.
ROWS = "".join(
    f"<tr><td>{i}</td><td>คณะกรรมการเครือข่ายร่วมกันวางแผนการดำเนินงาน</td></tr>" for i in range(150)
)
HTML = f"<h1>รายงาน</h1><table>{ROWS}</table>"


@pytest.fixture
def collections():
    """The generation of every collection that runs while the test does."""
    with watching_collections("generation") as seen:
        yield seen


def test_a_render_runs_one_young_collection_at_its_end(collections):
    render_pdf("<p>ก</p>")  # the first render's one-off setup (fonts, the dictionary)
    gc.collect()  # the allocation count back to 0: none starts before the render's pause
    collections.clear()
    pdf = render_pdf(HTML)
    assert gc.isenabled()
    # Left running, the collector starts hundreds of times in such a render.
    assert collections == [0]
    assert "คณะกรรมการ" in pdftotext(pdf)


def test_a_render_leaves_no_cyclic_garbage_behind():
    render_pdf("<p>ก</p>")
    gc.collect()  # what earlier tests left
    render_pdf(HTML)
    # Without the collection at its end, tens of thousands of objects of the render
    # wait in reference cycles for the collector's next turn.
    assert gc.collect() < 100


def _failed_render() -> None:
    with collector.paused():
        assert not gc.isenabled()
        raise RuntimeError("the render failed")


def _fresh(collections: list[int]) -> None:
    """The allocation count back to 0, so that no collection starts on its own before
    the test's pause, whatever ran before on this worker."""
    gc.collect()
    collections.clear()


def test_paused_resumes_after_an_error(collections):
    _fresh(collections)
    with pytest.raises(RuntimeError):
        _failed_render()
    assert gc.isenabled()
    assert collections == [0]


def test_overlapping_renders_keep_it_paused_until_the_last_ends(collections):
    first_in = threading.Event()
    first_may_end = threading.Event()

    def first() -> None:
        with collector.paused():
            first_in.set()
            first_may_end.wait(5)

    thread = threading.Thread(target=first)
    _fresh(collections)
    thread.start()
    first_in.wait(5)
    with collector.paused():
        first_may_end.set()
        thread.join(5)
        # The first render ended and collected what it left; the second one still
        # runs without the collector.
        assert collections == [0]
        assert not gc.isenabled()
    assert gc.isenabled()
    # The second also collects the middle generation, where the first's collection
    # moved its young objects.
    assert collections == [0, 1]


def test_a_child_forked_during_a_render_has_the_collector_running():
    gc.collect()
    child = False
    with collector.paused():
        pid = os.fork()
        child = pid == 0
        if not child:
            assert not gc.isenabled()
    if child:
        ok = False
        try:
            # The render it inherited half-done ended above without touching the count.
            ok = gc.isenabled() and collector._renders == 0
            with collector.paused():
                ok = ok and not gc.isenabled()
            ok = ok and gc.isenabled() and collector._renders == 0
        finally:
            os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert gc.isenabled()
    assert collector._renders == 0


def test_a_collector_disabled_by_someone_else_stays_disabled(collections):
    _fresh(collections)
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
        assert collections == []
    finally:
        gc.enable()
