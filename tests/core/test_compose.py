"""No Docker engine runs here: check docker-compose.yml, the Dockerfile, deploy/ and
.env.example by reading them, and run what they run (gunicorn, celery beat and the
healthcheck script) with the environment the compose file gives them."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

import pytest
import yaml
from django.core.management import get_commands

from tests.workers import wait_until

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
# What the image's /app is here.
IMAGE_ROOT = PurePosixPath("/app")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def _healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    kind, *rest = test
    if kind == "CMD-SHELL":
        return shlex.split(rest[0])
    assert kind == "CMD", f"unexpected healthcheck form {kind}"
    return rest


# --- compose's ${...} interpolation --------------------------------------------------

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<plain>[A-Za-z_]\w*)"
)


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Docker Compose's interpolation: ${X}, ${X:-default}, ${X-default}, ${X:?error},
    ${X?error}, $X, and $$ for a literal $."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("plain")
        op, arg = match.group("op"), match.group("arg")
        value = env.get(name)
        missing = value is None or (op is not None and op.startswith(":") and value == "")
        if op in {"?", ":?"} and missing:
            raise ValueError(arg or f"{name} is required")
        if op in {"-", ":-"} and missing:
            return arg
        return value or ""

    return _VARIABLE.sub(replace, value)


def _variables(text: str) -> set[str]:
    return {
        m.group("braced") or m.group("plain")
        for m in _VARIABLE.finditer(text)
        if m.group(0) != "$$"
    }


def _environment(service: dict, env: dict[str, str]) -> dict[str, str]:
    return {key: _interpolate(str(value), env) for key, value in service["environment"].items()}


def _sample_env() -> dict[str, str]:
    """A filled-in .env, as an administrator would write it from .env.example."""
    return {
        "SITE_DOMAIN": "khruakhai.test",
        "CADDY_TLS": "internal",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(32),
    }


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


# --- what the compose file runs exists ------------------------------------------------


def _check_celery(argv: list[str], subcommands: set[str]) -> None:
    assert argv[0] == "celery"
    app_module = argv[argv.index("-A") + 1]
    module = importlib.import_module(app_module)
    assert hasattr(module, "celery_app")
    assert argv[argv.index("-A") + 2] in subcommands


def _check_gunicorn(argv: list[str]) -> None:
    assert argv[0] == "gunicorn"
    module, _, attr = argv[1].partition(":")
    assert hasattr(importlib.import_module(module), attr)


def _check_shell(script: str) -> None:
    commands = get_commands()
    for part in script.split("&&"):
        words = shlex.split(part)
        if words[0] == "python":
            assert words[1] == "manage.py"
            assert (ROOT / "manage.py").exists()
            assert words[2] in commands, f"unknown management command {words[2]}"
        elif words[0] == "gunicorn":
            _check_gunicorn(words)
        else:
            raise AssertionError(f"unexpected command {words[0]}")


def _image_path(path: str) -> Path:
    """A path inside the image (/app/...) as a path in this checkout."""
    return ROOT / PurePosixPath(path).relative_to(IMAGE_ROOT)


def _check_healthcheck_script(argv: list[str]) -> None:
    assert argv[0] == "python"
    script = _image_path(argv[1])
    assert script.exists(), f"{argv[1]} is not in the repository"
    assert argv[2] in {"web", "beat"}


def test_stack_has_every_service():
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat", "caddy", "mailpit"} <= set(
        services
    )
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["caddy"]["image"].startswith("caddy:2")
    assert "C.UTF-8" in services["postgres"]["environment"]["POSTGRES_INITDB_ARGS"]


def test_app_services_share_one_image_and_never_debug():
    services = _compose()["services"]
    assert {services[name]["image"] for name in APP_SERVICES} == {"khruakhai:latest"}
    env = _sample_env()
    for name in APP_SERVICES:
        environment = _environment(services[name], env)
        assert environment["DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis")
        assert environment["SITE_URL"] == "https://khruakhai.test"
        assert environment["ALLOWED_HOSTS"] == "khruakhai.test"


def test_every_command_refers_to_things_that_exist():
    services = _compose()["services"]
    migrate = _argv(services["migrate"]["command"])
    assert migrate[:2] == ["sh", "-c"]
    _check_shell(migrate[2])
    assert {"migrate", "createcachetable"} <= {
        shlex.split(part)[2] for part in migrate[2].split("&&")
    }
    _check_gunicorn(_argv(services["web"]["command"]))
    _check_celery(_argv(services["worker"]["command"]), {"worker"})
    _check_celery(_argv(services["beat"]["command"]), {"beat"})
    # The healthchecks too.
    _check_healthcheck_script(_healthcheck_argv(services["web"]))
    _check_healthcheck_script(_healthcheck_argv(services["beat"]))
    worker_check = _healthcheck_argv(services["worker"])
    _check_celery(worker_check, {"inspect"})
    assert worker_check[worker_check.index("inspect") + 1] == "ping"


def _seconds(duration: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration))


def test_healthcheck_timeouts_leave_the_script_time_to_answer():
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        healthcheck = importlib.import_module("healthcheck")
    finally:
        sys.path.remove(str(ROOT / "deploy"))
    web = _compose()["services"]["web"]["healthcheck"]
    assert _seconds(web["timeout"]) > healthcheck.WEB_TIMEOUT
    beat = _compose()["services"]["beat"]
    # Beat's file is checked against the age the script allows: several rewrites.
    assert healthcheck.BEAT_MAX_AGE >= 3 * 180
    assert _seconds(beat["healthcheck"]["start_period"]) >= 30


def test_every_service_has_a_healthcheck_and_one_shots_stay_stopped():
    services = _compose()["services"]
    one_shots = {
        name
        for service in services.values()
        for name, dependency in (service.get("depends_on") or {}).items()
        if isinstance(service.get("depends_on"), dict)
        and dependency.get("condition") == "service_completed_successfully"
    }
    assert one_shots == {"migrate"}
    for name, service in services.items():
        if name in one_shots:
            # Restarted, it would run again and again and never count as completed.
            assert service["restart"] == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert not service["healthcheck"].get("disable")


def test_app_services_wait_for_healthy_stores_and_for_the_migrations():
    services = _compose()["services"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"
    for name in LONG_RUNNING_APP_SERVICES:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert "migrate" not in services["migrate"]["depends_on"]
    assert services["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    # Only the migrate job changes the schema; web no longer migrates on start.
    assert "migrate" not in " ".join(_argv(services["web"]["command"]))


_SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(^|_)KEY$", re.IGNORECASE)
_ONLY_A_REQUIRED_VARIABLE = re.compile(r"^\$\{[A-Za-z_]\w*(:?\?[^}]*)?\}$")
_URL_PASSWORD = re.compile(r"://[^/:@\s]+:(?P<password>[^@\s]*)@")


def test_no_secret_is_written_in_the_compose_file():
    text = (ROOT / "docker-compose.yml").read_text()
    services = _compose()["services"]
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if _SECRET_NAME.search(key):
                # ${NAME} or ${NAME:?message}: from .env, with no default to fall back on.
                assert _ONLY_A_REQUIRED_VARIABLE.match(value), f"{name}: {key} is written here"
            for match in _URL_PASSWORD.finditer(value):
                assert _ONLY_A_REQUIRED_VARIABLE.match(match.group("password")), (
                    f"{name}: {key} has a password in its URL"
                )
    # Nor anywhere else in the file (commands, healthchecks, anchors).
    for match in _URL_PASSWORD.finditer(text):
        assert _ONLY_A_REQUIRED_VARIABLE.match(match.group("password"))
    assert not re.search(r"^\s*\w*(PASSWORD|SECRET_KEY)\w*\s*[:=]\s*[^$\s{]", text, re.MULTILINE)
    # The secrets are required: compose stops with a message while they are empty.
    for variable in ("SECRET_KEY", "POSTGRES_PASSWORD", "SITE_DOMAIN"):
        with pytest.raises(ValueError, match=variable):
            _environment(services["web"], {**_sample_env(), variable: ""})


def test_secrets_come_from_env_which_git_ignores():
    services = _compose()["services"]
    for name in APP_SERVICES:
        assert services[name]["env_file"] in (".env", [".env"]), name
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, ".env is not git-ignored"


def test_env_example_names_every_variable_and_holds_no_secret():
    example = _env_example()
    used = _variables((ROOT / "docker-compose.yml").read_text())
    assert used <= set(example), f"not in .env.example: {used - set(example)}"
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert example[name] == "", f"{name} must be left for the administrator to generate"
    assert "secrets.token_urlsafe" in (ROOT / ".env.example").read_text()
    # Each name is read by the settings or by the compose file: none is a dead knob.
    settings_text = (ROOT / "config" / "settings.py").read_text()
    for name in example:
        assert f'"{name}"' in settings_text or name in used, f"{name} is read by nothing"


def test_settings_named_in_compose_are_read_by_settings():
    settings_text = (ROOT / "config" / "settings.py").read_text()
    services = _compose()["services"]
    for service in APP_SERVICES:
        for name in services[service]["environment"]:
            assert f'"{name}"' in settings_text, f"{name} is set in compose but never read"


def test_only_caddy_is_published():
    services = _compose()["services"]
    assert "ports" not in services["web"], "gunicorn must be reached only through Caddy"
    assert {str(p) for p in services["caddy"]["ports"]} == {"80:80", "443:443", "443:443/udp"}
    for name, service in services.items():
        if name == "caddy":
            continue
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} to the network"


def _web_port() -> int:
    argv = _argv(_compose()["services"]["web"]["command"])
    bind = argv[argv.index("--bind") + 1]
    return int(bind.rpartition(":")[2])


def test_caddy_fronts_web_with_tls_and_an_honest_proxy_header():
    services = _compose()["services"]
    caddy = services["caddy"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in caddy["volumes"]}
    source = mounts["/etc/caddy/Caddyfile"]
    assert source == "./deploy/Caddyfile"
    assert (ROOT / source).is_file()
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    code = "\n".join(line.split("#")[0] for line in caddyfile.splitlines())
    assert "{$SITE_DOMAIN}" in code
    assert re.search(r"^\s*tls \{\$CADDY_TLS:internal\}\s*$", code, re.MULTILINE)
    assert re.search(rf"^\s*reverse_proxy web:{_web_port()}\s*$", code, re.MULTILINE)
    # Caddy trusts no proxy in front of it, so it overwrites X-Forwarded-* from clients;
    # the app trusts exactly that one proxy.
    assert "trusted_proxies" not in code
    assert "header_up" not in code
    web_env = _environment(services["web"], _sample_env())
    assert web_env["TRUSTED_PROXY_COUNT"] == "1"
    caddy_env = _environment(caddy, _sample_env())
    assert caddy_env == {"SITE_DOMAIN": "khruakhai.test", "CADDY_TLS": "internal"}
    assert _environment(caddy, {**_sample_env(), "CADDY_TLS": ""})["CADDY_TLS"] == "internal"


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed here")
@pytest.mark.parametrize(
    ("site", "tls", "issuer"),
    [("localhost", "internal", "internal"), ("khruakhai.school.example", "it@example.org", "acme")],
)
def test_caddy_reads_the_caddyfile(site, tls, issuer):
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", str(ROOT / "deploy" / "Caddyfile")],
        env={**os.environ, "SITE_DOMAIN": site, "CADDY_TLS": tls},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert f'"host":["{site}"]' in adapted
    assert f'"module":"{issuer}"' in adapted
    assert '"dial":"web:8000"' in adapted


def _dockerfile() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in _dockerfile():
        if word == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", rest))
    return env


def test_static_files_live_outside_the_data_volume():
    services = _compose()["services"]
    static_root = PurePosixPath(_dockerfile_env()["STATIC_ROOT"])
    assert static_root == PurePosixPath("/app/staticfiles")
    for name in APP_SERVICES:
        service = services[name]
        assert "STATIC_ROOT" not in service["environment"]
        targets = [PurePosixPath(v.split(":")[1]) for v in service["volumes"]]
        assert PurePosixPath("/app/var") in targets
        for target in targets:
            assert not static_root.is_relative_to(target), f"{name}: a volume hides {static_root}"
        # Media, by contrast, must persist in the volume.
        media = PurePosixPath(_environment(service, _sample_env())["MEDIA_ROOT"])
        assert any(media.is_relative_to(target) for target in targets)
    # collectstatic runs in the image build, after the ENV that points it there.
    instructions = _dockerfile()
    env_at = next(i for i, (w, r) in enumerate(instructions) if w == "ENV" and "STATIC_ROOT" in r)
    collect_at = next(i for i, (w, r) in enumerate(instructions) if "collectstatic" in r)
    assert env_at < collect_at


def test_the_image_runs_as_a_user_without_debug():
    instructions = _dockerfile()
    users = [i for i, (word, _) in enumerate(instructions) if word == "USER"]
    assert users, "the image runs as root"
    last_user = instructions[users[-1]][1]
    assert last_user not in {"root", "0"}
    assert not last_user.startswith("0:")
    assert all(word != "RUN" for word, _ in instructions[users[-1] :])
    assert _dockerfile_env()["DEBUG"] == "false"
    text = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"DEBUG=(true|1|on|yes)", text, re.IGNORECASE)
    assert importlib.import_module("config.wsgi").application
    cmd = next(rest for word, rest in instructions if word == "CMD")
    assert "config.wsgi:application" in cmd


# --- the healthchecks, run for real ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py"), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _get(url: str, host: str) -> tuple[int, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=20) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _app_process_env(service: dict, tmp_path: Path) -> dict[str, str]:
    """The service's compose environment (from a filled-in .env), pointed at what runs
    here: SQLite instead of the postgres service, local folders instead of /app/var."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(_environment(service, _sample_env()))
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "KHRUAKHAI_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "var" / "media"),
            "STATIC_ROOT": str(tmp_path / "staticfiles"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


def test_web_healthcheck_passes_on_gunicorn_with_the_compose_environment(tmp_path):
    """gunicorn started with the web service's command and environment (DEBUG off, the
    HTTPS redirect on, one trusted proxy) answers the healthcheck as Caddy's requests:
    healthy, and still healthy with the broker down, since pages never wait on it."""
    web = _compose()["services"]["web"]
    env = _app_process_env(web, tmp_path)
    env["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the broker is down
    port = _free_port()
    argv = _argv(web["command"])
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "1"
    server = subprocess.Popen(argv, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/healthz"
    try:

        def answers() -> bool:
            try:
                _get(url, "khruakhai.test")
                return True
            except OSError:
                return False

        wait_until(answers, 60, "gunicorn to answer")
        # The first request through the URLconf imports every view; Docker gives that
        # the start period, so do the same before timing anything.
        warm = urllib.request.Request(
            url, headers={"Host": "khruakhai.test", "X-Forwarded-Proto": "https"}
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(warm, timeout=120).close()
        check_env = {"ALLOWED_HOSTS": env["ALLOWED_HOSTS"]}
        result = _healthcheck(*_healthcheck_argv(web)[2:], url, env=check_env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert '"broker": "down"' in result.stdout
        assert '"database": "ok"' in result.stdout
        # What makes that work: plain HTTP is sent to HTTPS unless the one trusted
        # proxy says the request came over TLS, and other host names are refused.
        status, headers = _get(url, "khruakhai.test")
        assert status == 301
        assert headers["Location"] == "https://khruakhai.test/healthz"
        assert _get(url, "attacker.example")[0] == 400
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Nothing answering is unhealthy, with a reason.
    result = _healthcheck("web", url)
    assert result.returncode == 1
    assert "no answer" in result.stdout


def test_beat_healthcheck_follows_the_schedule_file(tmp_path):
    """Celery beat started with the beat service's command writes the schedule file the
    healthcheck reads; a file not rewritten for too long, or none, is unhealthy."""
    beat = _compose()["services"]["beat"]
    env = _app_process_env(beat, tmp_path)
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env.pop("REDIS_URL")  # the embedded broker; beat only needs one to connect to
    schedule = tmp_path / "var" / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True)
    argv = _argv(beat["command"])
    [position] = [i for i, word in enumerate(argv) if word.startswith("--schedule=")]
    configured = argv[position].partition("=")[2]
    argv[position] = f"--schedule={schedule}"
    check_argv = _healthcheck_argv(beat)
    assert check_argv[3] == configured  # the check reads the file beat writes
    check_argv = [*check_argv[2:3], str(schedule), *check_argv[4:]]

    assert _healthcheck(*check_argv).returncode == 1  # not started yet: no file
    process = subprocess.Popen(argv, cwd=ROOT, env=env)
    try:
        wait_until(lambda: _healthcheck(*check_argv).returncode == 0, 90, "beat's schedule")
    finally:
        process.terminate()
        process.wait(timeout=30)
    written = [p for p in tmp_path.joinpath("var").iterdir() if p.name.startswith(schedule.name)]
    assert written
    stale = time.time() - 11 * 60
    for path in written:
        os.utime(path, (stale, stale))
    result = _healthcheck(*check_argv)
    assert result.returncode == 1
    assert "last written" in result.stdout


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="celery inspect ping needs Redis: set REDIS_URL"
)
def test_worker_healthcheck_pings_the_worker_through_the_broker(tmp_path):
    """The worker started with the worker service's command answers the healthcheck's
    ping through Redis; once it stops, the same check fails."""
    worker = _compose()["services"]["worker"]
    env = _app_process_env(worker, tmp_path)
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    # Docker sets HOSTNAME to the container's host name, which names the worker's node.
    env["HOSTNAME"] = f"kk-healthcheck-{secrets.token_hex(4)}"
    kind, script = worker["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    check = ["sh", "-c", _interpolate(script, {})]  # compose turns $$ into $

    def healthy() -> bool:
        return subprocess.run(check, env=env, capture_output=True, timeout=60).returncode == 0

    argv = [*_argv(worker["command"]), f"--hostname=celery@{env['HOSTNAME']}"]
    process = subprocess.Popen(argv, cwd=ROOT, env=env)
    try:
        wait_until(healthy, 90, "the worker to answer the ping")
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert not healthy()


# --- the backup service ---------------------------------------------------------------


def _manage_options(argv: list[str]) -> dict:
    """A `python manage.py <command> ...` argv parsed by that command's own parser: the
    command exists and takes every option given."""
    from django.core.management import load_command_class

    assert argv[:2] == ["python", "manage.py"]
    assert (ROOT / "manage.py").exists()
    commands = get_commands()
    assert argv[2] in commands, f"unknown management command {argv[2]}"
    command = load_command_class(commands[argv[2]], argv[2])
    return vars(command.create_parser("manage.py", argv[2]).parse_args(argv[3:]))


def _backup_argv(env: dict[str, str]) -> list[str]:
    command = _compose()["services"]["backup"]["command"]
    return [_interpolate(word, env) for word in _argv(command)]


def test_backup_service_backs_up_daily_and_prunes_to_7_daily_and_4_weekly():
    import datetime as dt

    # Unset, the compose defaults; set, .env.example's values (the same); then others.
    for env in ({}, {**_sample_env(), **_env_example()}):
        options = _manage_options(_backup_argv(env))
        assert options["daily_at"] == dt.time(2, 30)
        assert options["prune"]
        assert (options["keep_daily"], options["keep_weekly"]) == (7, 4)
        assert not options["with_private_key"]  # the key is backed up apart (README)
    custom = {"BACKUP_TIME": "03:15", "BACKUP_KEEP_DAILY": "14", "BACKUP_KEEP_WEEKLY": "8"}
    options = _manage_options(_backup_argv(custom))
    assert options["daily_at"] == dt.time(3, 15)
    assert (options["keep_daily"], options["keep_weekly"]) == (14, 8)
    # Its healthcheck asks the same command how old the newest archive is: more than a
    # day, since backups are daily.
    check = _manage_options(_healthcheck_argv(_compose()["services"]["backup"]))
    assert check["check_newest"] > 24
    # And what restores an archive exists too (README: docker compose run ... restore).
    assert "restore" in get_commands()


def test_backup_service_has_the_app_environment_and_its_own_volume():
    services = _compose()["services"]
    backup, web = services["backup"], services["web"]
    env = _sample_env()
    web_env, backup_env = _environment(web, env), _environment(backup, env)
    for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "SITE_URL"):
        assert backup_env[name] == web_env[name], name
    assert backup["env_file"] == web["env_file"]
    assert backup["depends_on"] == web["depends_on"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in backup["volumes"]}
    # The data volume (media and the seal certificate under /app/var), as web has it...
    assert mounts["/app/var"] == "media"
    assert PurePosixPath(backup_env["MEDIA_ROOT"]).is_relative_to("/app/var")
    # ...and the archives in a volume of their own, outside it.
    archives = PurePosixPath(backup_env["BACKUP_DIR"])
    assert mounts[str(archives)] == "backups"
    assert not archives.is_relative_to("/app/var")
    assert "backups" in _compose()["volumes"]
    assert "ports" not in backup


def _instructions(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_backup_image_is_the_app_image_with_pg_dump_of_the_servers_version():
    services = _compose()["services"]
    build = services["backup"]["build"]
    # Built FROM the image compose builds for the app services, whatever its tag.
    context = build["additional_contexts"]["app"]
    assert context.startswith("service:")
    assert context.removeprefix("service:") in APP_SERVICES
    assert services["backup"]["image"] != "khruakhai:latest"  # its own tag, not the app's
    instructions = _instructions(ROOT / build["dockerfile"])
    assert instructions[0] == ("FROM", "app")
    args = dict(rest.split("=", 1) for word, rest in instructions if word == "ARG" and "=" in rest)
    server_major = services["postgres"]["image"].partition(":")[2].split(".")[0]
    # pg_dump cannot dump a newer server: the client is the server's major version.
    assert args["PG_MAJOR"] == server_major
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    assert "postgresql-client-${PG_MAJOR}" in runs
    assert "install -d -o khruakhai -m 700 /app/backups" in runs
    users = [rest for word, rest in instructions if word == "USER"]
    assert users[-1] == "khruakhai"
    assert all(word != "RUN" for word, _ in instructions[instructions.index(("USER", users[-1])) :])


def test_the_image_compiles_weasyprint_before_the_app_is_copied():
    """The Dockerfile runs scripts/compile_weasyprint.py (shipped by .dockerignore) with
    the compile group installed, requires it to succeed, and removes gcc, Cython and
    setuptools in the same step (a later step would leave them in an earlier layer)."""
    instructions = _dockerfile()
    runs = [rest for word, rest in instructions if word == "RUN"]
    [sync] = [r for r in runs if r.startswith("uv sync")]
    # The app's own install: neither the dev tools nor the compile group.
    assert "--no-default-groups" in sync
    assert "--group" not in sync
    [step] = [r for r in runs if "compile_weasyprint.py" in r]
    assert "python scripts/compile_weasyprint.py --require" in step
    assert step.index("install") < step.index("compile_weasyprint") < step.index("purge")
    # Cython and setuptools come and go with gcc (uv sync removes what the groups omit).
    assert step.index("--group compile") < step.index("compile_weasyprint")
    after = step[step.index("compile_weasyprint") :]
    assert "uv sync --frozen --no-default-groups --no-cache" in after
    copies = [rest for word, rest in instructions if word == "COPY"]
    assert "scripts/compile_weasyprint.py scripts/" in copies
    assert copies.index("scripts/compile_weasyprint.py scripts/") < copies.index(". .")
    # What the script imports (core.pdf.compiled, the manifest's one definition) and the
    # patches it compiles (the whole of core/pdf) are there.
    early = [c for c in copies[: copies.index(". .")] if c.startswith(("core/", "scripts/"))]
    copied = {source for c in early for source in c.split()[:-1]}
    assert {"core/__init__.py", "core/pdf/"} <= copied
    assert (ROOT / "scripts" / "compile_weasyprint.py").is_file()
    from tests.security.attacks.test_image import _repository_files, image_files

    assert "scripts/compile_weasyprint.py" in set(image_files(_repository_files()))
