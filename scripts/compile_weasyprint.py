"""Compile WeasyPrint's hot pure-Python modules with Cython, in place (make install).

WeasyPrint is pure Python: a committee report's render is its layout, cascade and
drawing code running in the interpreter. Cython compiles the same source, unchanged,
to C extension modules next to it; Python then imports the compiled module instead
of the ``.py``. The PDFs are the same bytes, and the renders 32-40 % faster
(docs/performance-pdf.md, eighth and tenth passes). tinyhtml5, tinycss2 and cssselect2,
WeasyPrint's parsers, are compiled the same way. The modules stay ordinary
Python to everything else: our patches (core/pdf) replace their functions and methods
as before.

What it does when the extensions there are not those of MODULES made from the source
installed now by the Cython installed now (``current``; ``make install`` runs it every
time and it returns at once then; ``--force`` builds anyway):

1. removes every compiled module and the manifest an earlier run left in the packages;
2. compiles MODULES in a scratch folder and copies the extensions beside their source;
3. writes the manifest (core/pdf/compiled.py reads it): each compiled module's source
   sha256, for a render to refuse extensions older than their source (an upgrade
   that left them behind).

A machine without a C compiler or Python's headers (found before Cython's minutes of
work), or a failed compilation, keeps pure-Python WeasyPrint, with a warning: the PDFs
are the same, only slower (``--require`` fails instead, for the Dockerfile). ``--clean``
only removes.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shlex
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

# The manifest's name, the packages and how to find them: core.pdf.compiled, which
# checks the manifest before a render (it imports nothing beyond the standard library).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core.pdf import compiled_patches
from core.pdf.compiled import (
    MANIFEST,
    PACKAGES,
    StaleCompiledModules,
    check,
    extension_files,
    manifest,
    sha256,
    site_root,
)

# The modules a render spends its time in (cProfile of the committee report): WeasyPrint's
# and the pure-Python libraries it parses with (tinyhtml5 the HTML, tinycss2 the CSS,
# cssselect2 matching selectors to elements), 3.75 % of the report's instructions more
# than WeasyPrint's alone (docs/performance-pdf.md, tenth pass). Not layout/preferred.py:
# Cython 3.3 refuses its starred expression in a list display.
MODULES = (
    "cssselect2/__init__.py",
    "cssselect2/compiler.py",
    "cssselect2/tree.py",
    "pydyf/__init__.py",
    "tinycss2/ast.py",
    "tinycss2/color3.py",
    "tinycss2/color4.py",
    "tinycss2/color5.py",
    "tinycss2/parser.py",
    "tinycss2/serializer.py",
    "tinycss2/tokenizer.py",
    "tinyhtml5/inputstream.py",
    "tinyhtml5/parser.py",
    "tinyhtml5/tokenizer.py",
    "tinyhtml5/treebuilder.py",
    "weasyprint/anchors.py",
    "weasyprint/css/__init__.py",
    "weasyprint/css/computed_values.py",
    "weasyprint/css/counters.py",
    "weasyprint/css/functions.py",
    "weasyprint/css/properties.py",
    "weasyprint/css/targets.py",
    "weasyprint/css/tokens.py",
    "weasyprint/css/units.py",
    "weasyprint/css/validation/__init__.py",
    "weasyprint/css/validation/expanders.py",
    "weasyprint/css/validation/properties.py",
    "weasyprint/document.py",
    "weasyprint/draw/__init__.py",
    "weasyprint/draw/border.py",
    "weasyprint/draw/color.py",
    "weasyprint/draw/text.py",
    "weasyprint/formatting_structure/boxes.py",
    "weasyprint/formatting_structure/build.py",
    "weasyprint/html.py",
    "weasyprint/images.py",
    "weasyprint/layout/__init__.py",
    "weasyprint/layout/absolute.py",
    "weasyprint/layout/background.py",
    "weasyprint/layout/block.py",
    "weasyprint/layout/column.py",
    "weasyprint/layout/flex.py",
    "weasyprint/layout/float.py",
    "weasyprint/layout/grid.py",
    "weasyprint/layout/inline.py",
    "weasyprint/layout/leader.py",
    "weasyprint/layout/min_max.py",
    "weasyprint/layout/page.py",
    "weasyprint/layout/percent.py",
    "weasyprint/layout/replaced.py",
    "weasyprint/layout/table.py",
    "weasyprint/matrix.py",
    "weasyprint/pdf/__init__.py",
    "weasyprint/pdf/anchors.py",
    "weasyprint/pdf/fonts.py",
    "weasyprint/pdf/stream.py",
    "weasyprint/stacking.py",
    "weasyprint/svg/__init__.py",
    "weasyprint/svg/bounding_box.py",
    "weasyprint/svg/css.py",
    "weasyprint/svg/defs.py",
    "weasyprint/svg/images.py",
    "weasyprint/svg/path.py",
    "weasyprint/svg/shapes.py",
    "weasyprint/svg/text.py",
    "weasyprint/svg/utils.py",
    "weasyprint/text/ffi.py",
    "weasyprint/text/fonts.py",
    "weasyprint/text/line_break.py",
    "weasyprint/urls.py",
)


def clean(root: Path, packages=PACKAGES) -> int:
    found = extension_files(root, packages)
    for path in found:
        path.unlink()
    (root / packages[0] / MANIFEST).unlink(missing_ok=True)
    return len(found)


def _cython_version() -> str | None:
    try:
        return importlib.metadata.version("cython")
    except importlib.metadata.PackageNotFoundError:
        return None


def current(root: Path, modules=MODULES) -> bool:
    """Whether the extensions there are exactly ``modules``, made from the source
    installed now (core.pdf.compiled.check) by the Cython installed now."""
    made = manifest(root)
    if not made or made.get("cython") != _cython_version():
        return False
    if set(made.get("modules", {})) != set(modules):
        return False
    try:
        check(root)
    except StaleCompiledModules:
        return False
    compiled = {path.relative_to(root).as_posix() for path in extension_files(root)}
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return compiled == {module.removesuffix(".py") + suffix for module in modules}


def _toolchain_missing() -> str | None:
    """What stops a build before it starts: no C compiler, or no Python.h."""
    compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    if not shutil.which(shlex.split(compiler)[0]):
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python headers (Python.h; Debian: python3-dev)"
    return None


def build(root: Path, modules=MODULES, packages=PACKAGES) -> dict:
    """Compile ``modules`` (paths relative to ``root``) beside their source; return the
    manifest written into the first of ``packages``. Raises on any failure, leaving no
    extension behind."""
    # Cleaned first: without Cython (or with any failure below) no extension of an
    # earlier run may stay, to run older code than the source beside it.
    clean(root, packages)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    try:
        missing = _toolchain_missing()
        if missing:
            raise RuntimeError(missing)
        # Without Cython the build stops here, before any copying or compiling.
        import Cython.Build  # noqa: F401
        from setuptools import Extension

        with tempfile.TemporaryDirectory(prefix="khruakhai-cython-") as scratch:
            work = Path(scratch)
            # Whole packages, as imported (relative imports, package data).
            for package in packages:
                shutil.copytree(
                    root / package, work / package, ignore=shutil.ignore_patterns("__pycache__")
                )
            # Named here: weasyprint/text and formatting_structure have no __init__.py
            # (namespace packages), and Cython would name their modules "boxes"...
            _compile(
                [
                    Extension(_dotted(module), [str(work / module)], extra_compile_args=["-w"])
                    for module in modules
                ],
                work,
            )
            # The manifest before the extensions: an extension is never there unlisted
            # (core.pdf.compiled refuses those), even for a moment.
            made = {
                "cython": _cython_version(),
                "modules": {module: sha256(root / module) for module in modules},
            }
            (root / packages[0] / MANIFEST).write_text(json.dumps(made, indent=1) + "\n")
            for module in modules:
                stem = module.removesuffix(".py")
                shutil.copy2(work / "lib" / (stem + suffix), root / (stem + suffix))
    except BaseException:
        clean(root, packages)
        raise
    return made


def _compile(extensions: list, work: Path, **directives) -> None:
    """Cythonize ``extensions`` and build them into ``work``/lib: the one recipe of both
    builds (WeasyPrint's and our patches'). -w on each extension: the generated C's
    warnings say nothing a reader of make's output could act on."""
    from Cython.Build import cythonize
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext

    ext_modules = cythonize(
        extensions,
        nthreads=os.cpu_count() or 1,
        quiet=True,
        # Functions as Python functions (Cython 3's default, said here because
        # core/pdf's patches and pins rely on it: replaceable, introspectable).
        compiler_directives={"binding": True, **directives},
    )
    command = build_ext(Distribution({"ext_modules": ext_modules}))
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.parallel = os.cpu_count() or 1
    command.ensure_finalized()
    command.run()


def _dotted(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def patches_current(root: Path | None = None, source: Path = compiled_patches.SOURCE) -> bool:
    """Whether our patches' extensions are those of their source and Cython now."""
    made = compiled_patches.manifest(root)
    if not made or made.get("cython") != _cython_version():
        return False
    listed = made.get("modules", {})
    return set(listed) == set(compiled_patches.MODULES) and all(
        compiled_patches.extension(module, root).is_file()
        and compiled_patches.sha256(source / f"{module}.py") == listed[module]
        for module in compiled_patches.MODULES
    )


def build_patches(
    root: Path | None = None,
    source: Path = compiled_patches.SOURCE,
    modules: tuple[str, ...] = compiled_patches.MODULES,
) -> dict:
    """Compile core/pdf's patches (``modules``) into their own folder of site-packages,
    not beside their source (core.pdf.compiled_patches says why)."""
    root = root or compiled_patches.folder()
    shutil.rmtree(root, ignore_errors=True)
    missing = _toolchain_missing()
    if missing:
        raise RuntimeError(missing)
    # Without Cython the build stops here, before any copying or compiling.
    import Cython.Build  # noqa: F401
    from setuptools import Extension

    package = compiled_patches.PACKAGE
    with tempfile.TemporaryDirectory(prefix="khruakhai-cython-patches-") as scratch:
        work = Path(scratch)
        for module in modules:
            shutil.copy2(source / f"{module}.py", work / f"{module}.py")
        _compile(
            [
                Extension(
                    f"{package}.{module}", [str(work / f"{module}.py")], extra_compile_args=["-w"]
                )
                for module in modules
            ],
            work,
            language_level=3,
        )
        built = work / "lib" / Path(*package.split("."))
        root.mkdir(parents=True)
        for module in modules:
            shutil.copy2(built / compiled_patches.extension(module, Path()).name, root)
        # The sha256 of what was compiled (the scratch copies), not of the checkout now:
        # a source edited during the build must not match the extension made before it.
        made = {
            "cython": _cython_version(),
            "modules": {
                module: compiled_patches.sha256(work / f"{module}.py") for module in modules
            },
        }
    # The manifest last: extensions without it are never used.
    (root / compiled_patches.MANIFEST).write_text(json.dumps(made, indent=1) + "\n")
    return made


def _patches(argv: list[str]) -> int:
    """Our patches compiled when they are not already (their own folder, their own
    manifest); a failure leaves them pure Python, as for WeasyPrint."""
    if "--force" not in argv and patches_current():
        return 0
    try:
        made = build_patches()
    except Exception as error:  # noqa: BLE001 - no compiler, no Cython: pure Python works
        shutil.rmtree(compiled_patches.folder(), ignore_errors=True)
        print(
            f"compile_weasyprint: WARNING: patches not compiled ({type(error).__name__}: "
            f"{error}); they run as pure Python (same PDFs, slower)",
            file=sys.stderr,
        )
        return 1 if "--require" in argv else 0
    print(f"compile_weasyprint: {len(made['modules'])} patches of core/pdf compiled")
    return 0


def main(argv: list[str]) -> int:
    try:
        root = site_root()
    except RuntimeError as error:
        raise SystemExit(f"compile_weasyprint: {error}") from None
    if "--clean" in argv:
        shutil.rmtree(compiled_patches.folder(), ignore_errors=True)
        print(f"compile_weasyprint: removed {clean(root)} compiled modules and the patches")
        return 0
    if "--force" not in argv and current(root):
        return _patches(argv)
    try:
        made = build(root)
    except Exception as error:  # noqa: BLE001 - no compiler, no Cython: pure Python works
        print(
            f"compile_weasyprint: WARNING: not compiled ({type(error).__name__}: {error}); "
            "WeasyPrint runs as pure Python (same PDFs, slower)",
            file=sys.stderr,
        )
        return 1 if "--require" in argv else 0
    print(
        f"compile_weasyprint: {len(made['modules'])} modules compiled with Cython {made['cython']}"
    )
    return _patches(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
