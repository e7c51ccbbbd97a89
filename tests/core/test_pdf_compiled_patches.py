"""Our patches compiled with Cython (core.pdf.compiled_patches, scripts/compile_weasyprint):
they are what runs when built from the source here, and an edited module is imported from
its source instead; the rest of the suite, run on them, proves the PDFs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.pdf import compiled_patches

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import compile_weasyprint  # noqa: E402

needs_compiled = pytest.mark.skipif(
    compiled_patches.manifest() is None,
    reason="the patches are not compiled here (make install does it)",
)


@needs_compiled
def test_the_compiled_patches_are_what_runs():
    if not compile_weasyprint.patches_current():
        pytest.skip("a patch was edited since make install compiled them (it runs from source)")
    from core.pdf import render  # noqa: F401 - imports every patch a render applies

    for module in compiled_patches.MODULES:
        loaded = sys.modules[f"core.pdf.{module}"]
        assert loaded.__file__ == str(compiled_patches.extension(module)), module
    assert compiled_patches.status() == (
        f"patches: {len(compiled_patches.MODULES)} of {len(compiled_patches.MODULES)} compiled"
    )
    assert compile_weasyprint.patches_current()


@needs_compiled
def test_an_edited_module_is_imported_from_its_source(tmp_path):
    source = tmp_path / "pdf"
    shutil.copytree(compiled_patches.SOURCE, source)
    finder = compiled_patches._Finder(compiled_patches.folder(), source)
    found = finder.find_spec("core.pdf.per_style")
    assert found is not None
    assert found.origin == str(compiled_patches.extension("per_style"))
    # One character more, and the compiled module is not its source's any longer.
    edited = source / "per_style.py"
    edited.write_text(edited.read_text() + "\n")
    assert finder.find_spec("core.pdf.per_style") is None
    assert not compile_weasyprint.patches_current(source=source)
    # Neither a module the manifest does not list, nor another package's.
    assert finder.find_spec("core.pdf.render") is None
    assert finder.find_spec("reports.per_style") is None


def test_without_a_manifest_nothing_is_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(
        sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, compiled_patches._Finder)]
    )
    assert compiled_patches.install(root=tmp_path) is None
    assert not any(isinstance(f, compiled_patches._Finder) for f in sys.meta_path)
    assert compiled_patches.status() == "patches: pure Python (not compiled)"


def test_every_module_listed_is_a_patch_module_here():
    for module in compiled_patches.MODULES:
        assert (compiled_patches.SOURCE / f"{module}.py").is_file(), module
    # Every pinned patch (the ones tests/core/test_pdf_pins.py finds) is compiled too:
    # a new patch left out of MODULES would run interpreted without anyone noticing.
    from .test_pdf_pins import PATCHES

    assert {patch.__name__.rsplit(".", 1)[-1] for patch in PATCHES} <= set(compiled_patches.MODULES)
    # What must import as it is stays out.
    assert not {"compiled", "compiled_patches", "render", "__init__"} & set(
        compiled_patches.MODULES
    )


def test_the_build_compiles_patches_into_their_folder(tmp_path):
    """build_patches into a scratch folder (two small modules, for time): each one's
    extension is there, listed with its source's sha256, and imports and runs under its
    dotted name."""
    pytest.importorskip("Cython")
    root = tmp_path / "built"
    modules = ("collector", "stream_contexts")
    made = compile_weasyprint.build_patches(root, modules=modules)
    assert compiled_patches.manifest(root) == made
    for module in modules:
        assert compiled_patches.extension(module, root).is_file()
        assert made["modules"][module] == compiled_patches.sha256(
            compiled_patches.SOURCE / f"{module}.py"
        )
    # Not the whole set: not current.
    assert not compile_weasyprint.patches_current(root)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from core.pdf import compiled_patches as c; "
            "sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, c._Finder)]; "
            f"f = c.install(root=Path({str(root)!r})); "
            "from core.pdf import collector; "
            "print(type(collector.__loader__).__name__, collector.__name__, sorted(f.used))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.split() == ["ExtensionFileLoader", "core.pdf.collector", "['collector']"]


def test_the_manifest_holds_the_source_that_was_compiled(tmp_path, monkeypatch):
    """A source edited while the build runs must not match the extension built from the
    copy taken before: the manifest hashes that copy."""
    pytest.importorskip("Cython")
    source = tmp_path / "pdf"
    shutil.copytree(compiled_patches.SOURCE, source)
    original = compiled_patches.sha256(source / "collector.py")
    real_copy = shutil.copy2

    def copy_then_edit(origin, target, *args, **kwargs):
        copied = real_copy(origin, target, *args, **kwargs)
        if Path(origin) == source / "collector.py":
            (source / "collector.py").write_text(
                (source / "collector.py").read_text() + "\n# edited\n"
            )
        return copied

    monkeypatch.setattr(compile_weasyprint.shutil, "copy2", copy_then_edit)
    made = compile_weasyprint.build_patches(tmp_path / "built", source, ("collector",))
    assert made["modules"]["collector"] == original
    assert made["modules"]["collector"] != compiled_patches.sha256(source / "collector.py")
