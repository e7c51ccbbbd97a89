"""One error base for every service.

A service says no by raising a ``ServiceError`` (or a subclass named after the rule):
``code`` names the rule, stable for tests and logs; the messages are for the user,
already translated. Views catch ``ServiceError`` and show the messages beside the
form (``core.responses.render_form``), answering 422. Django's ``ValidationError``
stays for forms and model validation, so a view never confuses the two.
"""

from __future__ import annotations

from collections.abc import Iterable


class ServiceError(Exception):
    """A domain rule refused the request; nothing was changed."""

    code = "refused"

    def __init__(
        self, message: str | Iterable[str] = "", *, code: str | None = None, **details
    ) -> None:
        if isinstance(message, str):
            self.messages = [message] if message else []
        else:
            self.messages = [str(m) for m in message]
        if code is not None:
            self.code = code
        self.details = details
        super().__init__(*self.messages)

    @property
    def message(self) -> str:
        return " ".join(str(m) for m in self.messages)

    def __str__(self) -> str:
        return self.message
