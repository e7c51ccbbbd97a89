"""What render_pdf keeps between renders (docs/performance-pdf.md): one font setup per
thread and process, remembered word segmentations, and a frozen dictionary."""

from __future__ import annotations

import gc
import os
import threading

from core.pdf import render as render_module
from core.pdf import render_pdf, thai_breaks

from .pdf_helpers import pdftotext

THAI = "<p>คณะกรรมการเครือข่ายร่วมกันวางแผนการดำเนินงาน</p>"


def _key() -> tuple[int, int]:
    return (os.getpid(), threading.get_ident())


def test_one_font_setup_per_thread_reused_across_renders():
    first = render_pdf(THAI)
    setup = render_module._font_setups[_key()]
    second = render_pdf(THAI)
    assert render_module._font_setups[_key()] is setup
    assert pdftotext(first) == pdftotext(second)

    other = {}

    def in_a_thread():
        render_pdf(THAI)
        other["setup"] = render_module._font_setups[(os.getpid(), threading.get_ident())]

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert other["setup"] is not setup
    assert other["setup"][0] is not setup[0]


def test_a_forked_child_leaves_the_parents_fonts_alone():
    render_pdf(THAI)
    font_config, _fonts = render_module._font_setups[_key()]
    folder = font_config._folder
    assert folder is not None
    assert any(folder.iterdir())
    pid = os.fork()
    if pid == 0:  # the child: its own setups later, none of its parent's
        try:
            ok = not render_module._font_setups
            gc.collect()
        finally:
            os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The child let go of its copy without deleting the files the parent reads.
    assert any(folder.iterdir())
    assert "คณะกรรมการ" in pdftotext(render_pdf(THAI))


def test_segmentations_are_remembered():
    thai_breaks.run_words.cache_clear()
    once = render_pdf(THAI)
    misses = thai_breaks.run_words.cache_info().misses
    assert misses >= 1
    looked_up = thai_breaks.run_words.cache_info().hits
    # The next render of the same text segments nothing again.
    assert pdftotext(render_pdf(THAI)) == pdftotext(once)
    assert thai_breaks.run_words.cache_info().misses == misses
    assert thai_breaks.run_words.cache_info().hits > looked_up


def test_the_dictionary_is_left_out_of_collections():
    thai_breaks.load()
    # Frozen once the dictionary is loaded: hundreds of thousands of objects that no
    # full collection walks again.
    assert gc.get_freeze_count() > 100_000
