"""The on/off switch every WeasyPrint patch of core.pdf shares, and what else they share:
finding upstream's function under a patch, pinning it, a memo per document.

A patch (core.pdf.thai_text, core.pdf.weasyprint_border) is installed when its module is
imported but acts only inside ``applied()``, which render_pdf enters; ``disabled()``
turns it off inside, for the tests and the bench that compare with WeasyPrint's own
drawing. Context variables keep threads and nested renders apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

from . import compiled

# Before any patch pins upstream's functions: compiled WeasyPrint modules older than
# their source are refused as such (core.pdf.compiled), not as a changed pin.
compiled.check()


class Switch:
    def __init__(self, name: str) -> None:
        self._active: ContextVar[bool] = ContextVar(f"khruakhai_{name}_active", default=False)
        self._suppressed: ContextVar[bool] = ContextVar(
            f"khruakhai_{name}_suppressed", default=False
        )
        # Whether the patch acts now, as a plain call (the context variable's own
        # ``get``): the patches ask it tens of thousands of times a render.
        self.now = self._active.get

    def applied(self) -> contextlib.AbstractContextManager[None]:
        return _holding(self._active, not self._suppressed.get())

    def disabled(self) -> contextlib.AbstractContextManager[None]:
        """Off inside: the ``applied()`` entered within does not turn it on."""
        return _holding(self._suppressed, True)

    def suspended(self) -> contextlib.AbstractContextManager[None]:
        """Off for a moment inside ``applied()`` (``disabled()`` acts on the next one)."""
        return _holding(self._active, False)


@contextlib.contextmanager
def _holding(variable: ContextVar[bool], value: bool) -> Iterator[None]:
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def upstream(function):
    """WeasyPrint's own function, under any of our patches: each replacement keeps the
    function it replaced as ``__wrapped_original__`` (a module imported twice, or two
    patches of one method, must still pin and call upstream's)."""
    return getattr(function, "__wrapped_original__", function)


def source_sha256(function) -> str:
    """What a patch pins an upstream function by: the sha256 of its source."""
    return hashlib.sha256(_source(function).encode()).hexdigest()


def _source(function) -> str:
    """``inspect.getsource``, also of a function compiled by Cython (core.pdf.compiled):
    inspect does not take those, so its block is read from the module's ``.py`` (the
    source it was compiled from, as core.pdf.compiled checks) at its first line."""
    try:
        return inspect.getsource(function)
    except TypeError:
        code = getattr(inspect.unwrap(function), "__code__", None)
        module = sys.modules.get(getattr(function, "__module__", None) or "")
        if code is None or module is None or not module.__file__:
            raise
        source = compiled.source_path(Path(module.__file__))
        if source is None or not source.is_file():
            raise
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        return "".join(inspect.getblock(lines[code.co_firstlineno - 1 :]))


def pins_check(pinned: Mapping[str, str], function_of: Callable[[str], object], module: str):
    """Fail loudly when an upstream function a patch relies on is not the one it was
    written against (``pinned``: name → sha256 of its source; ``function_of`` finds it)."""
    for name, digest in pinned.items():
        if source_sha256(function_of(name)) != digest:
            raise RuntimeError(
                f"WeasyPrint's {name} is not the function {module} was written against: "
                "compare it with that module and update its PINNED_SOURCES."
            )


def upstream_in(*namespaces) -> Callable[[str], object]:
    """``function_of`` for pins_check: a name ("draw_border", "Layout.set_text") looked
    up in the first of ``namespaces`` (modules, classes) that holds its first part, then
    unwrapped to upstream's function."""

    def function_of(name: str):
        head, *rest = name.split(".")
        found = getattr(next(space for space in namespaces if hasattr(space, head)), head)
        for part in rest:
            found = getattr(found, part)
        return upstream(found)

    return function_of


def pinned(
    sources: Mapping[str, str], function_of: Callable[[str], object], module: str
) -> Callable[[], None]:
    """A patch module's ``check_pins``: run now (importing the module fails when upstream
    changed) and kept for the tests to run again."""

    def check_pins() -> None:
        """Fail loudly if upstream changed under the functions this module relies on."""
        pins_check(sources, function_of, module)

    check_pins()
    return check_pins


def document_memo(context, attribute: str) -> dict:
    """A dictionary kept on a WeasyPrint object under ``attribute``, let go with it: one
    document's memo on its LayoutContext or StyleFor, or one kept across documents on
    their FontConfiguration (core.pdf.layout_setup)."""
    memo = context.__dict__.get(attribute)
    if memo is None:
        memo = {}
        setattr(context, attribute, memo)
    return memo


def remembered_per_style(context, attribute: str, style, key: tuple, compute):
    """``compute()``, remembered in the document's memo ``attribute`` under
    ``(id(style), *key)``. The style is kept with the answer, so that its identity is
    not taken by another style within the document (WeasyPrint shares one computed
    style between boxes that cascade alike: that is what makes repeats hit)."""
    memo = document_memo(context, attribute)
    full_key = (id(style), *key)
    kept = memo.get(full_key)
    if kept is None:
        kept = memo[full_key] = (style, compute())
    return kept[1]
