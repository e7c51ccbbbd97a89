"""Every task started by name exists: a typo in ``enqueue("app.tasks.name")`` would only
show when the transaction commits (a KeyError logged after the response), so it is
checked here, from the source, against the tasks the tasks modules define."""

from __future__ import annotations

import ast

from .source import modules, tree

TASK_DECORATORS = {"shared_task", "task"}  # @shared_task, @app.task, with or without (...)


def _decorator_name(node: ast.expr) -> tuple[str | None, ast.Call | None]:
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    if isinstance(target, ast.Name):
        return target.id, call
    if isinstance(target, ast.Attribute):
        return target.attr, call
    return None, call


def _explicit_name(call: ast.Call | None) -> str | None:
    for keyword in call.keywords if call else ():
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def defined_tasks() -> dict[str, str]:
    """Registered task name -> where it is defined."""
    found = {}
    for module, path in modules().items():
        for node in tree(path).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                name, call = _decorator_name(decorator)
                if name in TASK_DECORATORS:
                    task = _explicit_name(call) or f"{module}.{node.name}"
                    found[task] = f"{module}:{node.lineno}"
    return found


def _is_enqueue(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "enqueue") or (
        isinstance(func, ast.Attribute) and func.attr == "enqueue"
    )


def enqueued_names() -> list[tuple[str, str]]:
    """(task name, module:line) for every enqueue("literal", ...) in production code."""
    found = []
    for module, path in modules().items():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Call) and _is_enqueue(node) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((first.value, f"{module}:{node.lineno}"))
    return sorted(found)


def beat_names() -> list[tuple[str, str]]:
    """(task name, entry) of CELERY_BEAT_SCHEDULE in config/settings.py."""
    found = []
    for node in ast.walk(tree(modules()["config.settings"])):
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if not any(isinstance(t, ast.Name) and t.id == "CELERY_BEAT_SCHEDULE" for t in targets):
            continue
        for key, entry in zip(node.value.keys, node.value.values, strict=True):
            for field, value in zip(entry.keys, entry.values, strict=True):
                if isinstance(field, ast.Constant) and field.value == "task":
                    found.append((value.value, key.value))
    return found


def test_the_reader_finds_the_tasks():
    tasks = defined_tasks()
    assert "core.tasks.heartbeat" in tasks
    assert any(name.startswith("reports.tasks.") for name in tasks)


def test_every_enqueued_name_is_a_task():
    tasks = defined_tasks()
    unknown = [f"  {where}: {name!r}" for name, where in enqueued_names() if name not in tasks]
    assert not unknown, "enqueue() names no such task:\n" + "\n".join(unknown)


def test_every_beat_entry_is_a_task():
    tasks = defined_tasks()
    entries = beat_names()
    assert entries
    unknown = [f"  {entry}: {name!r}" for name, entry in entries if name not in tasks]
    assert not unknown, "CELERY_BEAT_SCHEDULE names no such task:\n" + "\n".join(unknown)
