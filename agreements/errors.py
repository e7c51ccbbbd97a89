"""How the agreements app says no: ``core.errors.ServiceError`` subclasses, one per rule.

``AgreementError`` is a refused action (its ``code`` names the rule: ``"password"``,
``"not_member"`` …); ``ContentFrozen`` is raised by the services and by the models'
``save()`` when anything would change what the parties were sent to sign. Views catch
``ServiceError`` and show the messages; neither is a Django ``ValidationError`` any more.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ServiceError


class AgreementError(ServiceError):
    """A refused action, with a message for the user in their language."""

    code = "agreement"


class ContentFrozen(ServiceError):
    """Anything tried to change the content of a version that is not a draft."""

    code = "frozen"

    def __init__(self, message: str | None = None) -> None:
        # Translated when raised, in the language of the request or task that raised it.
        super().__init__(
            message or _("This version has been sent for signature; its content cannot change.")
        )
