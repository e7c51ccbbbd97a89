"""WeasyPrint compiled with Cython (scripts/compile_weasyprint.py): what is, and whether
it may be used.

``make install`` compiles WeasyPrint's layout, cascade and drawing modules (and pydyf,
and tinyhtml5, tinycss2 and cssselect2, which parse its HTML and CSS) to C extensions
beside their source, and writes a manifest with each source's sha256.
Python imports an extension before a ``.py`` of the same name, so an extension left
behind by an upgrade (uv replaces the ``.py`` files it installed and knows nothing of
ours) would run the old code under the new version's name. ``check`` refuses that:
every extension in the packages must be in the manifest, made from the source that is
there now. It runs when core.pdf.switch is imported (every patch of core/pdf imports
it, before it pins upstream's functions: a stale extension is named as such, not as a
changed pin), before any render. WeasyPrint's modules are imported by then: an
extension too old to import fails there, less clearly.

Compiled or not, the PDFs are the same bytes (tests/core/test_pdf_compiled.py); the
renders are 32-40 % faster (docs/performance-pdf.md, eighth and tenth passes).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
from pathlib import Path

MANIFEST = "_khruakhai_compiled.json"
# Where compiled modules may be (and are checked); the manifest is in the first.
PACKAGES = ("weasyprint", "pydyf", "tinyhtml5", "tinycss2", "cssselect2")


class StaleCompiledModules(RuntimeError):
    pass


def site_root() -> Path:
    """The folder holding the packages (found without importing them)."""
    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("WeasyPrint is not installed")
    return Path(next(iter(spec.submodule_search_locations))).parent


def manifest(root: Path | None = None) -> dict | None:
    path = (root or site_root()) / PACKAGES[0] / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extension_files(root: Path, packages=PACKAGES) -> list[Path]:
    """Every compiled module in ``packages`` (what scripts/compile_weasyprint.py made)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return sorted(
        path
        for package in packages
        if (root / package).is_dir()
        for path in (root / package).rglob("*")
        if path.name.endswith(suffixes)
    )


def source_path(extension: Path) -> Path | None:
    """``…/layout/block.py`` for ``…/layout/block.cpython-311-x86_64-linux-gnu.so``;
    None for a path that is not an extension module's."""
    suffixes = [s for s in importlib.machinery.EXTENSION_SUFFIXES if extension.name.endswith(s)]
    if not suffixes:
        return None
    return extension.with_name(extension.name.removesuffix(max(suffixes, key=len)) + ".py")


def check(root: Path | None = None) -> None:
    """Raise StaleCompiledModules when a compiled module is not its source's."""
    root = root or site_root()
    compiled = sorted(
        source_path(path).relative_to(root).as_posix() for path in extension_files(root)
    )
    if not compiled:
        return
    listed = (manifest(root) or {}).get("modules", {})
    stale = [
        module
        for module in compiled
        if module not in listed
        or not (root / module).is_file()
        or sha256(root / module) != listed[module]
    ]
    if stale:
        raise StaleCompiledModules(
            f"WeasyPrint's compiled modules are not made from the source installed now "
            f"({', '.join(stale[:3])}{' …' if len(stale) > 3 else ''}): compile them anew "
            "with `.venv/bin/python scripts/compile_weasyprint.py` (or remove them with "
            "`--clean`: WeasyPrint then runs as pure Python)."
        )


def status() -> str:
    """One line for the bench's header: compiled or pure Python."""
    found = manifest()
    if not found:
        return "WeasyPrint: pure Python (not compiled)"
    return f"WeasyPrint: {len(found['modules'])} modules compiled with Cython {found['cython']}"
