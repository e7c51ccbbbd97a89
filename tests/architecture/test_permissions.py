"""Every permission decision is made in a permissions module.

network/permissions.py holds the rules and ``deny()``; each app has one
``<app>/permissions.py`` of per-object getters that ask them. Views and services ask
those getters and never refuse on their own: no ``raise PermissionDenied`` and no
``deny(...)`` anywhere else in production code, but for the few places below that
answer another library's contract.
"""

from __future__ import annotations

import ast

from .source import modules, tree

# module -> why it may raise PermissionDenied itself.
ALLOWED = {
    # allauth's adapter contract: DefaultAccountAdapter.get_client_ip raises
    # PermissionDenied when there is no address, and allauth turns it into its 403.
    "accounts.adapter": "allauth's get_client_ip contract",
}


def is_permissions_module(module: str) -> bool:
    return "permissions" in module.split(".")[1:]


def _names(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def refusals(module: str) -> list[str]:
    found = []
    for node in ast.walk(tree(modules()[module])):
        if isinstance(node, ast.Raise) and node.exc and _names(node.exc) == "PermissionDenied":
            found.append((node.lineno, "raise PermissionDenied"))
        elif isinstance(node, ast.Call) and _names(node.func) == "deny":
            found.append((node.lineno, "deny(...)"))
    return [f"{module}:{line} {what}" for line, what in sorted(found)]


def test_refusals_only_in_permissions_modules():
    found = [
        line
        for module in sorted(modules())
        if not is_permissions_module(module) and module not in ALLOWED
        for line in refusals(module)
    ]
    per_module: dict[str, int] = {}
    for line in found:
        module = line.split(":", 1)[0]
        per_module[module] = per_module.get(module, 0) + 1
    summary = ", ".join(f"{m} {n}" for m, n in sorted(per_module.items()))
    assert not found, (
        f"{len(found)} refusal(s) outside the permissions modules ({summary}); "
        "move the decision into <app>/permissions.py (deny() there):\n"
        + "\n".join(f"  {line}" for line in found)
    )


def test_the_allow_list_is_current():
    # An entry whose module no longer refuses anything is removed, so the list
    # never grows into a blanket exemption.
    stale = [module for module in ALLOWED if not refusals(module)]
    assert not stale


def test_the_reader_sees_refusals():
    assert refusals("network.permissions")
