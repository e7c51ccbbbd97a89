"""The PDF bench's many-documents rounds: each job's own HTML, captured as the job
renders it, goes to the browser once, as a new file, in the jobs' order."""

from __future__ import annotations

from pathlib import Path

from bench.national.pdfs import _many_row, many_documents
from core.pdf import render as render_module


def test_each_jobs_html_is_printed_once_as_a_new_file(tmp_path):
    texts = [f"<html><head></head><body><p>รายงานที่ {n}</p></body></html>" for n in range(3)]
    # Looked up on the module when called, as render_pdf_template does.
    jobs = [lambda text=text: render_module.render_pdf(text) for text in texts]
    printed: list[Path] = []
    seconds = iter([0.30, 0.10, 0.20])

    def print_once(source):
        assert isinstance(source, Path)  # a file, not one of the bench's named tabs
        printed.append(source)
        return next(seconds), 1

    many = many_documents(jobs, print_once, tmp_path)

    assert len(printed) == 3
    assert len(set(printed)) == 3
    for source, n in zip(printed, range(3), strict=True):
        page = source.read_text(encoding="utf-8")
        assert f"รายงานที่ {n}</p>" in page
        assert "@font-face" in page
    assert many["count"] == 3
    assert many["warm"] == 0.10
    assert many["whole"] > 0
    row = _many_row("committee", many)
    assert row["unit"] == "×"
    assert "3 networks" in row["what"]
