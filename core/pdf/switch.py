"""The on/off switch every WeasyPrint patch of core.pdf shares.

A patch (core.pdf.thai_text, core.pdf.weasyprint_border) is installed when its module is
imported but acts only inside ``applied()``, which render_pdf enters; ``disabled()``
turns it off inside, for the tests and the bench that compare with WeasyPrint's own
drawing. Context variables keep threads and nested renders apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar


class Switch:
    def __init__(self, name: str) -> None:
        self._active: ContextVar[bool] = ContextVar(f"khruakhai_{name}_active", default=False)
        self._suppressed: ContextVar[bool] = ContextVar(
            f"khruakhai_{name}_suppressed", default=False
        )

    @property
    def on(self) -> bool:
        return self._active.get()

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        token = self._active.set(not self._suppressed.get())
        try:
            yield
        finally:
            self._active.reset(token)

    @contextlib.contextmanager
    def disabled(self) -> Iterator[None]:
        token = self._suppressed.set(True)
        try:
            yield
        finally:
            self._suppressed.reset(token)


def upstream(function):
    """WeasyPrint's own function, under any of our patches: each replacement keeps the
    function it replaced as ``__wrapped_original__`` (a module imported twice, or two
    patches of one method, must still pin and call upstream's)."""
    return getattr(function, "__wrapped_original__", function)


def source_sha256(function) -> str:
    """What a patch pins an upstream function by: the sha256 of its source."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def pins_check(pinned: Mapping[str, str], function_of: Callable[[str], object], module: str):
    """Fail loudly when an upstream function a patch relies on is not the one it was
    written against (``pinned``: name → sha256 of its source; ``function_of`` finds it)."""
    for name, digest in pinned.items():
        if source_sha256(function_of(name)) != digest:
            raise RuntimeError(
                f"WeasyPrint's {name} is not the function {module} was written against: "
                "compare it with that module and update its PINNED_SOURCES."
            )
