"""WeasyPrint compiled with Cython (scripts/compile_weasyprint.py): what is, and whether
it may be used.

``make install`` compiles WeasyPrint's layout, cascade and drawing modules (and pydyf)
to C extensions beside their source, and writes a manifest with each source's sha256.
Python imports an extension before a ``.py`` of the same name, so an extension left
behind by an upgrade (uv replaces the ``.py`` files it installed and knows nothing of
ours) would run the old code under the new version's name. ``check`` refuses that:
every extension in the packages must be in the manifest, made from the source that is
there now. It runs when core.pdf.render is imported, before any render (WeasyPrint's
modules are imported by then: an extension too old to import fails there, less clearly).

Compiled or not, the PDFs are the same bytes (tests/core/test_pdf_compiled.py); the
compiled renders are 10-20 % faster (docs/performance.md, eighth pass).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path

MANIFEST = "_khruakhai_compiled.json"
PACKAGES = ("weasyprint", "pydyf")


class StaleCompiledModules(RuntimeError):
    pass


def site_root() -> Path:
    spec = importlib.util.find_spec("weasyprint")
    return Path(next(iter(spec.submodule_search_locations))).parent


def manifest(root: Path | None = None) -> dict | None:
    path = (root or site_root()) / PACKAGES[0] / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def _extensions(root: Path) -> list[str]:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found = []
    for package in PACKAGES:
        for path in (root / package).rglob("*"):
            if path.name.endswith(suffixes):
                stem = path.name[: -len(next(s for s in suffixes if path.name.endswith(s)))]
                found.append(path.parent.joinpath(stem + ".py").relative_to(root).as_posix())
    return sorted(found)


def check(root: Path | None = None) -> None:
    """Raise StaleCompiledModules when a compiled module is not its source's."""
    root = root or site_root()
    compiled = _extensions(root)
    if not compiled:
        return
    listed = (manifest(root) or {}).get("modules", {})
    stale = [
        module
        for module in compiled
        if module not in listed
        or not (root / module).is_file()
        or hashlib.sha256((root / module).read_bytes()).hexdigest() != listed[module]
    ]
    if stale:
        raise StaleCompiledModules(
            f"WeasyPrint's compiled modules are not made from the source installed now "
            f"({', '.join(stale[:3])}{' …' if len(stale) > 3 else ''}): compile them anew "
            "with `.venv/bin/python scripts/compile_weasyprint.py` (or remove them with "
            "`--clean`: WeasyPrint then runs as pure Python)."
        )


def loaded() -> list[str]:
    """The manifest's modules that this process runs compiled (imported as extensions)."""
    modules = (manifest() or {}).get("modules", {})
    names = [m.removesuffix(".py").replace("/", ".").removesuffix(".__init__") for m in modules]
    return [
        name
        for name in names
        if isinstance(
            getattr(sys.modules.get(name), "__loader__", None),
            importlib.machinery.ExtensionFileLoader,
        )
    ]


def status() -> str:
    """One line for the bench and the logs: compiled or pure Python."""
    found = manifest()
    if not found:
        return "WeasyPrint: pure Python (not compiled)"
    return f"WeasyPrint: {len(found['modules'])} modules compiled with Cython {found['cython']}"
