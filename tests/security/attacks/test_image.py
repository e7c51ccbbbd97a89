"""Secrets baked into the Docker image (issue 12, item 9).

The attack: anyone who can pull the image (a registry, a backup, a shared build machine)
unpacks it and reads what `COPY . .` brought along: .env (SECRET_KEY, passwords),
var/signing/key.pem (the key that seals PDFs, so forged documents verify), the SQLite
database and outgoing mail. No Docker engine runs here, so the test computes the image's
file list the way Docker does, from .dockerignore, over the repository's files plus
planted secrets, and fails if any secret would be copied or anything the app needs would
be left out. A second test builds the app from exactly that file list, as the
Dockerfile's build step does.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]

# What a developer's checkout holds besides the code, and what must never ship.
PLANTED_SECRETS = [
    ".env",
    ".env.production",
    "var/signing/key.pem",
    "var/signing/cert.pem",
    "var/db.sqlite3",
    "var/mail/20260101-000000-reset.eml",
    "var/celerybeat-schedule",
    "var/media/evidence/report.pdf",
    ".venv/x",
    ".venv/bin/python",
    "test-artifacts/x",
    ".git/x",
    ".git/config",
    "node_modules/x",
    "db.sqlite3",
    "server.key",
    # The same inside folders the image does need.
    "config/.env",
    "core/.env.local",
    "static/cert.pem",
    "templates/db.sqlite3",
    "config/__pycache__/settings.cpython-311.pyc",
    "core/var/signing/key.pem",
]


# --- Docker's .dockerignore matching ------------------------------------------------
# A port of moby/patternmatcher (ignorefile.ReadAll, Pattern.compile/match and
# PatternMatcher.MatchesOrParentMatches), which BuildKit applies to the build context.


def _go_clean(path: str) -> str:
    """Go's filepath.Clean on a slash path."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _go_dir(path: str) -> str:
    return _go_clean(posixpath.dirname(path))


def dockerignore_patterns(text: str) -> list[str]:
    """ignorefile.ReadAll: comments, blank lines, Clean, no leading slash, '!' kept."""
    patterns = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append(("!" if invert else "") + pattern)
    return patterns


class _Pattern:
    def __init__(self, text: str) -> None:
        self.exclusion = text.startswith("!")
        self.text = text[1:] if self.exclusion else text
        self.kind, self.regex = self._compile(self.text)

    @staticmethod
    def _compile(pattern: str) -> tuple[str, re.Pattern | None]:
        regex, kind, i, n = "^", "exact", 0, len(pattern)
        first = True
        while i < n:
            ch = pattern[i]
            i += 1
            if ch == "*":
                if i < n and pattern[i] == "*":
                    i += 1
                    if i < n and pattern[i] == "/":
                        i += 1
                    if i >= n:
                        if kind == "exact":
                            kind = "prefix"
                        else:
                            regex += ".*"
                            kind = "regexp"
                    else:
                        regex += "(.*/)?"
                        kind = "regexp"
                    if first:
                        kind = "suffix"
                else:
                    regex += "[^/]*"
                    kind = "regexp"
            elif ch == "?":
                regex += "[^/]"
                kind = "regexp"
            elif ch in ".+()|{}$":
                regex += "\\" + ch
            elif ch == "\\":
                if i < n:
                    regex += re.escape(pattern[i])
                    i += 1
                    kind = "regexp"
                else:
                    regex += "\\\\"
            elif ch in "[]":
                regex += ch
                kind = "regexp"
            else:
                regex += ch
            first = False
        if kind == "regexp":
            return kind, re.compile(regex + "$")
        return kind, None

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        return bool(self.regex.match(path))


def excluded(path: str, patterns: list[str]) -> bool:
    """PatternMatcher.MatchesOrParentMatches: the last pattern matching the path, or
    one of its parent folders, decides; '!' patterns bring a path back."""
    compiled = [_Pattern(_go_clean(p)) for p in patterns if p.strip()]
    parent = _go_dir(path)
    parents = parent.split("/")
    matched = False
    for pattern in compiled:
        if pattern.exclusion != matched:
            continue
        hit = pattern.match(path)
        if not hit and parent != ".":
            hit = any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
        if hit:
            matched = not pattern.exclusion
    return matched


# Cases from moby/patternmatcher's own tests (TestMatches, MatchesOrParentMatches).
MOBY_CASES = [
    ("**", "file", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/dir2/file", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\*b", "a*b", True),
    ("*", "a/b", True),  # the parent folder matches
    ("a*/b", "a/c/b", False),
]
MOBY_MULTI_CASES = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!dist/*.whl"], "dist/x-1.0-py3-none-any.whl", False),
    (["docs", "!docs/README.md"], "docs/README.md", False),
    (["docs/", "!docs/README.md"], "docs/README.md", False),
    (["*.go", "!fileutils.go"], "fileutils.go", False),
    (["!fileutils.go", "*.go"], "fileutils.go", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MOBY_CASES)
def test_the_matcher_agrees_with_docker(pattern, path, expected):
    assert excluded(path, [pattern]) is expected


@pytest.mark.parametrize(("patterns", "path", "expected"), MOBY_MULTI_CASES)
def test_the_matcher_agrees_with_docker_on_exceptions(patterns, path, expected):
    assert excluded(path, patterns) is expected


def test_the_ignore_file_is_read_as_docker_reads_it():
    text = "\ufeff# comment\n  /var/  \n\n!/var/keep \n #not a comment\nstatic//x/../y\n"
    assert dockerignore_patterns(text) == ["var", "!var/keep", "#not a comment", "static/y"]
    assert excluded("var/signing/key.pem", dockerignore_patterns(text))
    assert not excluded("var/keep", dockerignore_patterns(text))


# --- the image ----------------------------------------------------------------------


def _patterns() -> list[str]:
    path = ROOT / ".dockerignore"
    return dockerignore_patterns(path.read_text()) if path.exists() else []


def _repository_files() -> list[str]:
    """Tracked and untracked files, and each ignored folder or file present on disk
    (.venv/, var/, __pycache__/, ...) as one representative path."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    ignored = subprocess.run(
        ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    files = {p for p in listed.split("\0") if p}
    files |= {p.rstrip("/") + "/x" if p.endswith("/") else p for p in ignored.split("\0") if p}
    return sorted(files)


def image_files(paths: list[str]) -> list[str]:
    patterns = _patterns()
    return [path for path in paths if not excluded(path, patterns)]


def _needed(paths: list[str]) -> list[str]:
    """What the image cannot run without: manage.py and the lock, settings, every
    project app in INSTALLED_APPS, the template, static and locale folders settings
    name, and the healthcheck docker-compose.yml runs."""
    roots = ["manage.py", "pyproject.toml", "uv.lock", "config", "deploy/healthcheck.py"]
    for config in apps.get_app_configs():
        app_path = Path(config.path)
        if app_path.is_relative_to(ROOT) and ".venv" not in app_path.parts:
            roots.append(app_path.relative_to(ROOT).as_posix())
    folders = [*settings.STATICFILES_DIRS, *settings.LOCALE_PATHS]
    folders += [d for t in settings.TEMPLATES for d in t["DIRS"]]
    roots += [Path(f).relative_to(ROOT).as_posix() for f in folders]
    tracked = set(
        subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split("\0")
    )
    needed = [
        path
        for path in paths
        if path in tracked and any(path == r or path.startswith(r + "/") for r in roots)
    ]
    assert "static/fonts/Sarabun-Regular.ttf" in needed
    assert any(p.endswith("LC_MESSAGES/django.po") for p in needed)
    return needed


def test_no_secret_or_local_state_is_copied_into_the_image():
    paths = _repository_files() + PLANTED_SECRETS
    shipped = set(image_files(paths))
    leaked = [path for path in PLANTED_SECRETS if path in shipped]
    assert not leaked, f"COPY . . would put these in the image: {leaked}"
    # Nor any other environment file, key, database or virtualenv the checkout holds.
    secret = re.compile(r"(^|/)(\.env[^/]*|[^/]*\.(pem|key|sqlite3)|\.venv|var|\.git)(/|$)")
    assert not [path for path in shipped if secret.search(path)]


def test_everything_the_app_needs_is_copied_into_the_image():
    paths = _repository_files()
    needed = _needed(paths)
    shipped = set(image_files(paths))
    missing = [path for path in needed if path not in shipped]
    assert not missing, f".dockerignore leaves out what the image needs: {missing[:20]}"
    # The Dockerfile copies the lock files before the rest, for the dependency layer.
    assert {"pyproject.toml", "uv.lock"} <= shipped


def _dockerfile_build_step() -> str:
    """The RUN after `COPY . .` that compiles messages and collects static files."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    steps = [line[4:] for line in text.splitlines() if line.startswith("RUN ")]
    [step] = [s for s in steps if "collectstatic" in s]
    return step


def _dockerfile_env() -> dict[str, str]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for name, value in re.findall(r"(\w+)=(\S+)", line[4:]):
                env[name] = value
    return env


def test_the_image_file_list_builds_and_checks(tmp_path):
    """Copy exactly what Docker would copy, then run the Dockerfile's build step and
    `manage.py check --deploy` there, with the venv standing in for /opt/venv."""
    context = tmp_path / "app"
    for path in image_files(_repository_files()):
        source = ROOT / path
        if source.is_file():
            (context / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, context / path)
    image_env = _dockerfile_env()
    assert image_env["STATIC_ROOT"] == "/app/staticfiles"
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; no image has it.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "PYTHONPATH",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "DEBUG": image_env["DEBUG"],
            "STATIC_ROOT": str(tmp_path / "staticfiles"),
            "KHRUAKHAI_VAR_DIR": str(tmp_path / "var"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    build = subprocess.run(
        ["sh", "-c", _dockerfile_build_step()],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    assert list(context.glob("locale/th/LC_MESSAGES/django.mo"))
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=context,
        env={
            **env,
            "SECRET_KEY": "k" * 20 + "-runtime-check-not-the-build-key-" + "k" * 20,
            "ALLOWED_HOSTS": "khruakhai.example",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
