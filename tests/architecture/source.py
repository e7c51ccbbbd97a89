"""The production source as the architecture tests read it: files, modules and imports.

Everything here is read from the AST; nothing is imported, so the tests run without
Django and cannot be fooled by what an import does at run time.

- ``production_files()``: every .py of the production packages but migrations.
- ``module_imports()``: module -> the project modules it imports, lazy imports inside
  functions included, imports under ``if TYPE_CHECKING:`` left out; relative imports
  resolved; ``from pkg import name`` is an edge to ``pkg.name`` when that is a module.
- ``strongly_connected()``: Tarjan's components of a graph (the cycles).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "agreements", "core", "network", "privacy", "reports", "roadmap")
PACKAGES = (*APPS, "config", "scripts")


@dataclass(frozen=True)
class Import:
    target: str  # a project module (dotted)
    line: int
    lazy: bool  # inside a function


@cache
def production_files() -> tuple[Path, ...]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "__pycache__" in relative.parts:
                continue
            files.append(path)
    return tuple(files)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in production_files()}


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def app_of(module: str) -> str:
    return module.split(".", 1)[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def walk(node: ast.AST, *, lazy: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node`` with whether it sits inside a function, skipping the
    body of ``if TYPE_CHECKING:`` (its ``else:`` still runs, so it is walked)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other, lazy
                yield from walk(other, lazy=lazy)
            continue
        inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield child, lazy
        yield from walk(child, lazy=inner)


def _known(dotted: str) -> str | None:
    """The project module ``dotted`` names, or its longest prefix that is one."""
    known = modules()
    parts = dotted.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def _base(module: str, path: Path, node: ast.ImportFrom) -> str | None:
    if not node.level:
        return node.module
    package = module if is_package(path) else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    if node.level - 1 > len(parts):
        return None
    parts = parts[: len(parts) - (node.level - 1)]
    if node.module:
        parts.append(node.module)
    return ".".join(parts)


def imports_of(module: str) -> list[Import]:
    path = modules()[module]
    found: list[Import] = []
    for node, lazy in walk(tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name)
                if target:
                    found.append(Import(target, node.lineno, lazy))
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node)
            if base is None:
                continue
            for alias in node.names:
                target = modules().get(f"{base}.{alias.name}") and f"{base}.{alias.name}"
                target = target or _known(base)
                if target:
                    found.append(Import(target, node.lineno, lazy))
    return [found_import for found_import in found if found_import.target != module]


@cache
def module_imports() -> dict[str, tuple[Import, ...]]:
    return {module: tuple(imports_of(module)) for module in modules()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components, key=lambda c: (-len(c), c))


def cycle_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle inside a strongly connected component, for the message."""
    members = set(component)
    start = component[0]
    # Breadth-first from start back to start inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component
