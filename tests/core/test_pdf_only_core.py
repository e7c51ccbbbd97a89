"""Every PDF goes through core.pdf: no module outside it imports WeasyPrint.

core.pdf's render helper is the only place the URL fetcher lock (static files only),
Sarabun and the Thai text fixes are applied; a module calling WeasyPrint itself would
render without them (reports/services.py once kept such a fallback). The source is
read with ast, so an import inside a function, a try block or through importlib is
found too, and nothing is imported to find it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# core/pdf is the PDF layer itself; tests may look inside WeasyPrint to test it.
ALLOWED_TREES = ("core/pdf/", "tests/")
SKIPPED_DIRS = {".venv", "node_modules", ".git", "var", "test-artifacts", "migrations"}
# Files allowed to import WeasyPrint for now (none).
PENDING: set[str] = set()


def _sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIPPED_DIRS:
            continue
        found.append(path)
    return found


def weasyprint_imports(source: str) -> list[int]:
    """Line numbers where ``source`` imports weasyprint (any form ast can see)."""

    def is_weasyprint(name: str | None) -> bool:
        return bool(name) and (name == "weasyprint" or name.startswith("weasyprint."))

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            if any(is_weasyprint(alias.name) for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and is_weasyprint(node.module):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            # importlib.import_module("weasyprint…") / __import__("weasyprint…")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and is_weasyprint(str(first.value)):
                    lines.append(node.lineno)
    return lines


def test_the_scanner_sees_every_form_of_import():
    source = (
        "import weasyprint\n"
        "import os, weasyprint.text as t\n"
        "from weasyprint import HTML\n"
        "def f():\n"
        "    try:\n"
        "        from weasyprint.urls import URLFetcher\n"
        "    except ImportError:\n"
        "        pass\n"
        "    importlib.import_module('weasyprint')\n"
        "    __import__('weasyprint.css')\n"
        "import weasyprinter\n"
        "from core.pdf import render_pdf\n"
        "from .weasyprint import x\n"
    )
    assert weasyprint_imports(source) == [1, 2, 3, 6, 9, 10]


def test_no_module_outside_core_pdf_imports_weasyprint():
    offenders = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(ALLOWED_TREES) or relative in PENDING:
            continue
        for line in weasyprint_imports(path.read_text(encoding="utf-8")):
            offenders.append(f"{relative}:{line}")
    assert not offenders, (
        "Render PDFs through core.pdf (render_pdf / render_pdf_template), never "
        "WeasyPrint directly: " + ", ".join(offenders)
    )


def test_the_scan_covers_the_apps():
    scanned = {p.relative_to(ROOT).as_posix() for p in _sources()}
    for expected in (
        "reports/services/__init__.py",
        "agreements/services/__init__.py",
        "core/sealing.py",
    ):
        assert expected in scanned
