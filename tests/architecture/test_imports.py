"""The import graph follows design.md "The shape", counted from the AST.

Every import counts, also one inside a function (a lazy import is still a dependency,
and hiding a cycle in a function is how cycles usually survive); only imports under
``if TYPE_CHECKING:`` are left out, since they never run. Relative imports are
resolved, and ``from pkg import name`` counts as an import of ``pkg.name`` when that
is a module. Ruff's TID251 bans (``<app>/ruff.toml``) say the same per app at lint
time; this test also sees cycles and the services/tasks rule.
"""

from __future__ import annotations

import tomllib

import pytest

from .source import (
    APPS,
    PACKAGES,
    ROOT,
    app_of,
    cycle_through,
    module_imports,
    modules,
    strongly_connected,
)

# What each package may import besides itself (design.md, "The shape"): every app
# may import the hub, network, which imports none of them; reports reads roadmap and
# agreements and nothing imports reports. agreements and roadmap do not import each
# other (design.md names reports as the one reader of both; none does today). core is
# the ground: it imports no app and not config. config sits on top and wires
# everything; scripts are tools run from the command line.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "network": {"core"},
    "agreements": {"core", "network"},
    "roadmap": {"core", "network"},
    "reports": {"core", "network", "roadmap", "agreements"},
    "accounts": {"core", "network"},
    # privacy reads every app's personal_data module by name (autodiscover), never by
    # an import; the apps' modules import nothing from it.
    "privacy": {"core", "network"},
    "config": set(APPS),
    "scripts": set(APPS) - {"reports"},
}


def cross_package_imports():
    for module, found in sorted(module_imports().items()):
        for imported in found:
            if app_of(imported.target) != app_of(module):
                yield module, imported


def listing(pairs, indent: str = "  ") -> list[str]:
    """One line per (module, import), in source order, without repeats."""
    ordered = sorted(set(pairs), key=lambda p: (p[0], p[1].line, p[1].target))
    return [
        f"{indent}{module}:{imported.line} imports {imported.target}"
        + (" (inside a function)" if imported.lazy else "")
        for module, imported in ordered
    ]


def test_every_package_has_a_rule():
    assert set(ALLOWED) == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_design_allows(package):
    wrong = listing(
        (module, imported)
        for module, imported in cross_package_imports()
        if app_of(module) == package and app_of(imported.target) not in ALLOWED[package]
    )
    allowed = ", ".join(sorted(ALLOWED[package])) or "no other package"
    assert not wrong, f"{package} may import {allowed} only (design.md):\n" + "\n".join(wrong)


def test_agreements_and_roadmap_do_not_import_each_other():
    # Said by the rule above as well; named here because it is the one pair design.md
    # leaves implicit: reports is where the two are read together.
    between = listing(
        (module, imported)
        for module, imported in cross_package_imports()
        if {app_of(module), app_of(imported.target)} == {"agreements", "roadmap"}
    )
    assert not between, "agreements <-> roadmap imports:\n" + "\n".join(between)


def test_the_app_graph_has_no_cycle():
    graph: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for module, imported in cross_package_imports():
        graph[app_of(module)].add(app_of(imported.target))
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert not cycles, "cycles between packages: " + "; ".join(
        " -> ".join(cycle_through(graph, c)) for c in cycles
    )


def module_graph(app: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in modules() if app_of(m) == app}
    for module in graph:
        for imported in module_imports()[module]:
            if app_of(imported.target) == app:
                graph[module].add(imported.target)
    return graph


@pytest.mark.parametrize("app", PACKAGES)
def test_no_import_cycle_inside_the_app(app):
    graph = module_graph(app)
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    lines = []
    for component in cycles:
        lines.append(f"  {len(component)} modules: {', '.join(component)}")
        lines.append(f"    e.g. {' -> '.join(cycle_through(graph, component))}")
        members = set(component)
        lines.extend(
            listing(
                (
                    (module, imported)
                    for module in component
                    for imported in module_imports()[module]
                    if imported.target in members
                ),
                indent="    ",
            )
        )
    assert not cycles, f"import cycles inside {app} (lazy imports count):\n" + "\n".join(lines)


def is_services(module: str) -> bool:
    return "services" in module.split(".")[1:]


def is_tasks(module: str) -> bool:
    return "tasks" in module.split(".")[1:]


@pytest.mark.parametrize("app", APPS)
def test_services_do_not_import_tasks(app):
    # Services start tasks by name through core.queue.enqueue("<app>.tasks.<name>");
    # tasks import services. (core.tasks.enqueue is the old name kept for tests.)
    wrong = listing(
        (module, imported)
        for module, found in module_imports().items()
        if app_of(module) == app and is_services(module)
        for imported in found
        if is_tasks(imported.target)
    )
    assert not wrong, "services import a tasks module (use core.queue.enqueue by name):\n" + (
        "\n".join(wrong)
    )


def test_the_graph_reader_sees_lazy_and_relative_imports():
    # A guard against a silent pass: known edges of the tree are found.
    edges = {
        (module, imported.target, imported.lazy)
        for module, found in module_imports().items()
        for imported in found
    }
    assert ("core.tasks", "core.queue", False) in edges  # from .queue import enqueue
    assert ("core.tasks", "core.services", False) in edges  # from . import services
    assert any(lazy for _, _, lazy in edges)


def ruff_bans(config) -> set[str]:
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    lint = data.get("tool", {}).get("ruff", data).get("lint", {})
    return set(lint.get("flake8-tidy-imports", {}).get("banned-api", {}))


@pytest.mark.parametrize("app", APPS)
def test_the_app_ruff_bans_say_the_same(app):
    # Lint time and test time agree: <app>/ruff.toml bans (TID251) exactly the packages
    # this test does not allow, so an editor flags the import before a test run does.
    config = ROOT / app / "ruff.toml"
    assert config.exists(), f"{app}/ruff.toml is missing (copy another app's and adjust)"
    expected = (set(APPS) | {"config"}) - ALLOWED[app] - {app}
    assert ruff_bans(config) == expected


def test_the_root_ruff_bans_say_the_same_for_scripts():
    expected = (set(APPS) | {"config"}) - ALLOWED["scripts"]
    assert ruff_bans(ROOT / "pyproject.toml") == expected
