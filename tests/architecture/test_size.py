"""No production module grows past MAX_LINES: a bigger one is split by sub-domain
(services/ and views/ packages, selectors) before it becomes the place everything goes."""

from __future__ import annotations

from .source import ROOT, production_files

MAX_LINES = 450

# Not ours to split: data, not code. Migrations are left out by production_files().
# (core/pdf/thai_text.py carries one function copied from WeasyPrint with our lines
# added, but the module is ours, so it is measured like any other.)
EXCLUDED_NAMES = {"demo.py"}  # each app's demo data (make run loads it)


def line_count(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_production_module_over_the_limit():
    sizes = {
        str(path.relative_to(ROOT)): line_count(path)
        for path in production_files()
        if path.name not in EXCLUDED_NAMES
    }
    over = sorted(
        ((lines, name) for name, lines in sizes.items() if lines > MAX_LINES), reverse=True
    )
    assert not over, f"{len(over)} module(s) over {MAX_LINES} lines (split them):\n" + "\n".join(
        f"  {lines:5d}  {name}" for lines, name in over
    )


def test_the_size_check_sees_the_apps():
    # A guard against a silent pass: the walk really finds every package's modules.
    names = {str(path.relative_to(ROOT)) for path in production_files()}
    for expected in (
        "core/queue.py",
        "network/models.py",
        "reports/tasks.py",
        "config/settings.py",
    ):
        assert expected in names
    assert not any("/migrations/" in name for name in names)
