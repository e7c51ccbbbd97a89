"""No Docker engine runs here: check docker-compose.yml by reading it."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _argv(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_stack_has_every_service():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "C.UTF-8" in services["postgres"]["environment"]["POSTGRES_INITDB_ARGS"]


def test_web_worker_and_beat_share_one_image_through_the_anchor():
    services = _compose()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"khruakhai:latest"}
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DEBUG"] == "false"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis")


def _check_celery(argv: list[str]) -> None:
    assert argv[0] == "celery"
    app_module = argv[argv.index("-A") + 1]
    module = importlib.import_module(app_module)
    assert hasattr(module, "celery_app")
    assert argv[argv.index("-A") + 2] in {"worker", "beat"}


def _check_shell(script: str) -> None:
    commands = get_commands()
    for part in script.split("&&"):
        words = shlex.split(part)
        if words[0] == "python":
            assert words[1] == "manage.py" and (ROOT / "manage.py").exists()
            assert words[2] in commands, f"unknown management command {words[2]}"
        elif words[0] == "gunicorn":
            module, _, attr = words[1].partition(":")
            assert hasattr(importlib.import_module(module), attr)
        else:
            raise AssertionError(f"unexpected command {words[0]}")


def test_every_command_refers_to_modules_that_exist():
    services = _compose()["services"]
    _check_celery(_argv(services["worker"]))
    _check_celery(_argv(services["beat"]))
    web = _argv(services["web"])
    assert web[:2] == ["sh", "-c"]
    _check_shell(web[2])


def test_settings_named_in_compose_are_read_by_settings():
    settings_text = (ROOT / "config" / "settings.py").read_text()
    env = _compose()["services"]["web"]["environment"]
    for name in env:
        assert f'"{name}"' in settings_text, f"{name} is set in compose but never read"


def test_dockerfile_command_exists():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "config.wsgi:application" in dockerfile
    assert importlib.import_module("config.wsgi").application
