"""WeasyPrint compiled with Cython (scripts/compile_weasyprint.py, core/pdf/compiled.py).

The compiled modules must be what runs, must be refused once their source changed, and
must leave our patches and their pins working: the PDF is the same bytes either way
(the rest of the suite, run on the compiled engine, proves the text and the Thai).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.pdf import compiled
from core.pdf.switch import source_sha256

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
SCRIPT = ROOT / "scripts" / "compile_weasyprint.py"

needs_compiled = pytest.mark.skipif(
    compiled.manifest() is None, reason="WeasyPrint is not compiled here (make install does it)"
)


def _site(tmp_path: Path, *, source: str = "x = 1\n", extension: bool = True) -> Path:
    """A fake site-packages: weasyprint/layout/block.py, perhaps with an extension."""
    block = tmp_path / "weasyprint" / "layout" / "block.py"
    block.parent.mkdir(parents=True)
    (tmp_path / "pydyf").mkdir()
    block.write_text(source)
    if extension:
        block.with_name("block" + SUFFIX).write_bytes(b"\x7fELF")
    return tmp_path


def _write_manifest(root: Path, modules: dict[str, str]) -> None:
    (root / "weasyprint" / compiled.MANIFEST).write_text(
        json.dumps({"cython": "3.3.1", "modules": modules})
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_extension_is_pure_python_and_passes(tmp_path):
    compiled.check(_site(tmp_path, extension=False))


def test_an_extension_made_from_the_source_here_passes(tmp_path):
    root = _site(tmp_path)
    _write_manifest(
        root, {"weasyprint/layout/block.py": _digest(root / "weasyprint/layout/block.py")}
    )
    compiled.check(root)


def test_an_extension_whose_source_changed_is_refused(tmp_path):
    """An upgrade replaced the .py and left the extension: the old code must not run."""
    root = _site(tmp_path)
    _write_manifest(
        root, {"weasyprint/layout/block.py": _digest(root / "weasyprint/layout/block.py")}
    )
    (root / "weasyprint/layout/block.py").write_text("x = 2\n")
    with pytest.raises(
        compiled.StaleCompiledModules, match=r"weasyprint/layout/block\.py.*compile_weasyprint\.py"
    ):
        compiled.check(root)


def test_an_extension_the_manifest_does_not_list_is_refused(tmp_path):
    root = _site(tmp_path)
    with pytest.raises(compiled.StaleCompiledModules, match="block"):
        compiled.check(root)
    _write_manifest(root, {})
    with pytest.raises(compiled.StaleCompiledModules, match="block"):
        compiled.check(root)


def test_an_unlisted_extension_in_a_parser_package_is_refused(tmp_path):
    """The parsers WeasyPrint uses are compiled too: their extensions are checked alike."""
    root = _site(tmp_path, extension=False)
    tokenizer = root / "tinycss2" / "tokenizer.py"
    tokenizer.parent.mkdir()
    tokenizer.write_text("x = 1\n")
    tokenizer.with_name("tokenizer" + SUFFIX).write_bytes(b"\x7fELF")
    with pytest.raises(compiled.StaleCompiledModules, match=r"tinycss2/tokenizer\.py"):
        compiled.check(root)
    _write_manifest(root, {"tinycss2/tokenizer.py": _digest(tokenizer)})
    compiled.check(root)


def _loaded(modules) -> list[str]:
    """The manifest's modules that this process runs compiled (imported as extensions)."""
    names = [m.removesuffix(".py").replace("/", ".").removesuffix(".__init__") for m in modules]
    return [
        name
        for name in names
        if isinstance(
            getattr(sys.modules.get(name), "__loader__", None),
            importlib.machinery.ExtensionFileLoader,
        )
    ]


@needs_compiled
def test_the_compiled_modules_are_what_runs():
    import weasyprint
    import weasyprint.layout.table  # noqa: F401

    from core.pdf import render  # noqa: F401 - imports what a render uses

    modules = compiled.manifest()["modules"]
    running = _loaded(modules)
    assert "weasyprint.layout.table" in running
    assert "weasyprint.formatting_structure.boxes" in running  # a namespace package's
    assert {"tinyhtml5.tokenizer", "tinycss2.tokenizer", "cssselect2"} <= set(running)
    assert len(running) == len(modules), set(modules) - set(running)
    compiled.check()
    assert compiled.status().startswith(f"WeasyPrint: {len(modules)} modules compiled")


@needs_compiled
def test_a_pin_reads_a_compiled_function_from_its_source():
    import inspect

    import weasyprint.layout.percent as percent

    function = percent.resolve_one_percentage
    assert "cython" in type(function).__name__
    with pytest.raises(TypeError):
        inspect.getsource(function)
    source = Path(percent.__file__.removesuffix(SUFFIX) + ".py").read_text()
    start = source.index("def resolve_one_percentage(")
    block = "".join(inspect.getblock(source[start:].splitlines(keepends=True)))
    assert source_sha256(function) == hashlib.sha256(block.encode()).hexdigest()


def _run(python: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.skipif(
    shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler"
)
def test_the_build_compiles_a_package_and_its_namespace_modules(tmp_path):
    """scripts/compile_weasyprint.build on a small package: the extensions import under
    their dotted names, run the same code, and the manifest lists their source."""
    pytest.importorskip("Cython")
    site = tmp_path / "site"
    (site / "pkg" / "inner").mkdir(parents=True)
    (site / "pydyf").mkdir()
    (site / "pkg" / "__init__.py").write_text("")
    # inner/ has no __init__.py: a namespace package, as weasyprint/text is.
    (site / "pkg" / "inner" / "mod.py").write_text(
        textwrap.dedent(
            """
            def total(values):
                return sum(v * 2 for v in values)
            """
        )
    )
    code = textwrap.dedent(
        f"""
        import sys, json, importlib.metadata
        sys.path.insert(0, {str(ROOT / "scripts")!r})
        import compile_weasyprint as c
        m = c.build(__import__("pathlib").Path({str(site)!r}), modules=("pkg/inner/mod.py",),
                    packages=("pkg", "pydyf"))
        print(json.dumps(m))
        """
    )
    # An extension an earlier build made of a module no longer compiled: the build
    # removes it first (a successful build, so not the cleanup after a failure).
    stray = site / "pkg" / ("gone" + SUFFIX)
    stray.write_bytes(b"\x7fELF")
    built = _run(sys.executable, "-c", code, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    manifest = json.loads(built.stdout.strip().splitlines()[-1])
    assert manifest["modules"] == {"pkg/inner/mod.py": _digest(site / "pkg/inner/mod.py")}
    assert (site / "pkg" / "inner" / ("mod" + SUFFIX)).is_file()
    assert not stray.exists()
    probe = _run(
        sys.executable,
        "-c",
        "import importlib.machinery as m, pkg.inner.mod as x; "
        "print(type(x.__loader__).__name__, x.__name__, x.total.__module__, x.total([1, 2]))",
        cwd=site,
    )
    assert probe.stdout.split() == ["ExtensionFileLoader", "pkg.inner.mod", "pkg.inner.mod", "6"]


def test_clean_removes_the_extensions_and_the_manifest(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import compile_weasyprint
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    root = _site(tmp_path)
    _write_manifest(root, {})
    assert compile_weasyprint.clean(root) == 1
    assert not list((root / "weasyprint").rglob("*" + SUFFIX))
    assert not (root / "weasyprint" / compiled.MANIFEST).exists()
    compiled.check(root)


def test_without_cython_the_old_extensions_go_too(tmp_path):
    """A build that cannot start (no Cython) still removes an earlier run's extensions:
    none may stay to run older code than the source beside it."""
    root = _site(tmp_path)
    _write_manifest(root, {})
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["Cython"] = None  # not installed
        sys.path.insert(0, {str(ROOT / "scripts")!r})
        import compile_weasyprint as c
        from pathlib import Path
        try:
            c.build(Path({str(root)!r}), modules=("weasyprint/layout/block.py",))
        except ImportError:
            print("refused")
        """
    )
    result = _run(sys.executable, "-c", code, cwd=tmp_path)
    assert result.stdout.strip() == "refused", result.stderr[-2000:]
    assert not list(root.rglob("*" + SUFFIX))
    assert not (root / "weasyprint" / compiled.MANIFEST).exists()


def _script():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import compile_weasyprint
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return compile_weasyprint


def test_current_only_when_the_extensions_are_the_modules_of_this_source_and_cython(
    tmp_path, monkeypatch
):
    """make install runs the script every time: it builds only when ``current`` is not."""
    script = _script()
    module = "weasyprint/layout/block.py"
    root = _site(tmp_path)
    monkeypatch.setattr(script, "_cython_version", lambda: "3.3.1")
    _write_manifest(root, {module: _digest(root / module)})
    assert script.current(root, modules=(module,))
    # Another Cython installed since.
    monkeypatch.setattr(script, "_cython_version", lambda: "3.4.0")
    assert not script.current(root, modules=(module,))
    monkeypatch.setattr(script, "_cython_version", lambda: "3.3.1")
    # Another list of modules to compile.
    assert not script.current(root, modules=(module, "weasyprint/layout/table.py"))
    # An extension missing (removed by hand).
    (root / "weasyprint/layout" / ("block" + SUFFIX)).unlink()
    assert not script.current(root, modules=(module,))
    (root / "weasyprint/layout" / ("block" + SUFFIX)).write_bytes(b"\x7fELF")
    assert script.current(root, modules=(module,))
    # The source upgraded under it.
    (root / module).write_text("x = 2\n")
    assert not script.current(root, modules=(module,))
    # Nothing built yet.
    assert not script.current(_site(tmp_path / "fresh", extension=False), modules=(module,))


def test_without_a_c_compiler_the_build_stops_before_cython_and_leaves_nothing(
    tmp_path, monkeypatch
):
    script = _script()
    root = _site(tmp_path)
    _write_manifest(root, {})
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(RuntimeError, match="no C compiler"):
        script.build(root, modules=("weasyprint/layout/block.py",))
    assert not list(root.rglob("*" + SUFFIX))
    assert not (root / "weasyprint" / compiled.MANIFEST).exists()
