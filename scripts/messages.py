#!/usr/bin/env python
"""Extract translatable strings into per-app catalogues.

Each app keeps its own catalogue in ``<app>/locale/<lang>/LC_MESSAGES/django.po``
so apps can be translated independently; the project-wide strings (config, core,
accounts, base templates) live in ``locale/``. Templates sit at the top level, so
an app's strings come from:

    <app>/**/*.py, templates/<app>/**, templates/emails/<app>_*

Usage:
    python scripts/messages.py network        # update network/locale/{th,en}
    python scripts/messages.py project        # update locale/ (core, accounts, base)
    python scripts/messages.py --all
    python scripts/messages.py --check [app…]  # exit 1 if a catalogue is stale or
                                               # a Thai string is untranslated
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APPS = ("network", "agreements", "roadmap", "reports", "privacy")
PROJECT_SOURCES = ("config", "core", "accounts")
LANGS = ("th", "en")


def _catalogue_dir(target: str) -> Path:
    return ROOT / "locale" if target == "project" else ROOT / target / "locale"


def _stage(target: str, tmp: Path) -> None:
    """Symlink the target's sources into tmp, the way makemessages expects to see them."""
    (tmp / "templates").mkdir()
    (tmp / "templates" / "emails").mkdir()
    if target == "project":
        for name in PROJECT_SOURCES:
            os.symlink(ROOT / name, tmp / name)
        for path in (ROOT / "templates").iterdir():
            if path.is_file() or path.name in ("allauth", "core", "account", "mfa", "line"):
                os.symlink(path, tmp / "templates" / path.name)
        prefix = "core_"
    else:
        os.symlink(ROOT / target, tmp / target)
        if (ROOT / "templates" / target).exists():
            os.symlink(ROOT / "templates" / target, tmp / "templates" / target)
        prefix = f"{target}_"
    for path in (ROOT / "templates" / "emails").glob(f"{prefix}*"):
        os.symlink(path, tmp / "templates" / "emails" / path.name)


def extract(target: str) -> dict[str, polib.POFile]:
    """Fresh catalogues for the target, merged with the committed translations."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        _stage(target, tmp)
        locale = tmp / "locale"
        existing = _catalogue_dir(target)
        if existing.exists():
            shutil.copytree(existing, locale)
        locale.mkdir(exist_ok=True)
        args = [sys.executable, "-m", "django", "makemessages", "--symlinks", "--no-obsolete"]
        args += [f"-l{lang}" for lang in LANGS]
        args += ["--ignore=locale/*", "--ignore=*/locale/*", "--ignore=*/migrations/*", "-v0"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Settings refuse to load without DEBUG or a real SECRET_KEY; this is a dev tool.
            "DEBUG": os.environ.get("DEBUG", "true"),
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(args, cwd=tmp, env=env, check=True)  # noqa: S603 — our own argv
        result = {}
        for lang in LANGS:
            po_path = locale / lang / "LC_MESSAGES" / "django.po"
            result[lang] = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
        return result


def _msgids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


def untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def update(target: str) -> None:
    fresh = extract(target)
    for lang, po in fresh.items():
        path = _catalogue_dir(target) / lang / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po.metadata.update(
            {
                "Project-Id-Version": "khruakhai",
                "Language": lang,
                "Content-Type": "text/plain; charset=UTF-8",
                "Plural-Forms": "nplurals=1; plural=0;"
                if lang == "th"
                else "nplurals=2; plural=(n != 1);",
            }
        )
        po.save(str(path))
        todo = untranslated(po) if lang == "th" else []
        print(f"{path.relative_to(ROOT)}: {len(po)} strings, {len(todo)} untranslated")


def check(target: str) -> list[str]:
    problems = []
    fresh = extract(target)
    for lang in LANGS:
        path = _catalogue_dir(target) / lang / "LC_MESSAGES" / "django.po"
        committed = polib.pofile(str(path)) if path.exists() else polib.POFile()
        missing = _msgids(fresh[lang]) - _msgids(committed)
        if missing:
            sample = ", ".join(repr(m[1][:40]) for m in sorted(missing)[:5])
            problems.append(f"{path.relative_to(ROOT)}: {len(missing)} strings missing ({sample})")
    th = _catalogue_dir(target) / "th" / "LC_MESSAGES" / "django.po"
    if th.exists():
        todo = untranslated(polib.pofile(str(th)))
        if todo:
            sample = ", ".join(repr(m[:40]) for m in todo[:5])
            problems.append(f"{th.relative_to(ROOT)}: {len(todo)} untranslated ({sample})")
    return problems


def main(argv: list[str]) -> int:
    targets = [a for a in argv if not a.startswith("--")]
    if "--all" in argv or not targets:
        targets = ["project", *APPS]
    if "--check" in argv:
        problems = [p for t in targets for p in check(t)]
        print("\n".join(problems) or "catalogues are complete")
        return 1 if problems else 0
    for target in targets:
        update(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
