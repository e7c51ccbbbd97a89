"""Our WeasyPrint patches compiled with Cython, used only while they are their source's.

The patches of core/pdf run inside WeasyPrint's hottest loops (each glyph drawn, each
box's percentages, each Pango text), and WeasyPrint around them is compiled
(core.pdf.compiled): in the interpreter they were the largest share of the committee
report's render that was still interpreted. ``make install``
(scripts/compile_weasyprint.py) compiles MODULES with Cython into a folder of the
virtual environment, ``_khruakhai_patches``, with a manifest holding each module's
source sha256. The same source, unchanged: the PDFs are the same bytes; the committee
report's render took 7.3 % fewer instructions (docs/performance-pdf.md, "Thirteenth
pass").

Unlike WeasyPrint's, these extensions are not put beside their source: the source is
ours and edited, and an extension beside an edited ``.py`` would run the old code. A
finder (``install()``, run when core.pdf is imported) hands Python the extension of a
module only when the source in the checkout has the sha256 the manifest holds; an
edited module, or one the manifest does not list, is imported from its ``.py`` as
usual, and still makes the same PDF, only slower. ``status()`` says which it was.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import sysconfig
from pathlib import Path

FOLDER = "_khruakhai_patches"
MANIFEST = "manifest.json"
# The modules a render runs (render_pdf applies each; switch and thai_breaks they all
# use). Not render.py (called once a render), nor compiled.py and this module, which
# must import as they are.
MODULES = (
    "collapsed_borders",
    "collector",
    "deflate",
    "html_parse",
    "kept_layouts",
    "layout_context",
    "layout_setup",
    "no_floats",
    "normal_flow",
    "page_styles",
    "per_style",
    "plain_backgrounds",
    "preferred_widths",
    "shared_lines",
    "stream_contexts",
    "stylesheets",
    "svg_paths",
    "svg_text",
    "switch",
    "thai_breaks",
    "thai_text",
    "to_bytes",
    "ua_stylesheet",
    "weasyprint_border",
    "weasyprint_draw",
)
PACKAGE = __name__.rpartition(".")[0]
SOURCE = Path(__file__).resolve().parent


def folder() -> Path:
    """Where the extensions are: the virtual environment's site-packages."""
    return Path(sysconfig.get_paths()["purelib"]) / FOLDER


def extension(module: str, root: Path | None = None) -> Path:
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return (root or folder()) / f"{module}{suffix}"


def manifest(root: Path | None = None) -> dict | None:
    path = (root or folder()) / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``core.pdf.<module>`` in the compiled folder when its source is unchanged."""

    def __init__(self, root: Path, source: Path) -> None:
        self.root = root
        self.source = source
        self.listed = (manifest(root) or {}).get("modules", {})
        self.used: set[str] = set()

    def find_spec(self, fullname, path=None, target=None):
        package, _, module = fullname.rpartition(".")
        if package != PACKAGE or module not in self.listed:
            return None
        source, built = self.source / f"{module}.py", extension(module, self.root)
        if not (source.is_file() and built.is_file()) or sha256(source) != self.listed[module]:
            return None
        self.used.add(module)
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(built))
        return importlib.util.spec_from_file_location(fullname, built, loader=loader)


def install(root: Path | None = None, source: Path = SOURCE) -> _Finder | None:
    """Put the finder first on sys.meta_path, once (nothing when none is built)."""
    for finder in sys.meta_path:
        if isinstance(finder, _Finder):
            return finder
    root = root or folder()
    if manifest(root) is None:
        return None
    finder = _Finder(root, source)
    sys.meta_path.insert(0, finder)
    return finder


def status() -> str:
    """One line for the bench's header: which patches run compiled."""
    finder = next((f for f in sys.meta_path if isinstance(f, _Finder)), None)
    if finder is None:
        return "patches: pure Python (not compiled)"
    stale = sorted(
        module
        for module in finder.listed
        if not extension(module, finder.root).is_file()
        or (
            (finder.source / f"{module}.py").is_file()
            and sha256(finder.source / f"{module}.py") != finder.listed[module]
        )
    )
    line = f"patches: {len(finder.listed) - len(stale)} of {len(MODULES)} compiled"
    return line + (f" ({len(stale)} edited or missing: {', '.join(stale[:3])})" if stale else "")
