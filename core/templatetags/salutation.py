"""``{{ recipient|salutation }}``: every email's opening line (see core.thai_names).

Takes whatever an email has for its recipient: a ``Person`` or an ``Invitation``
(title and full name), a login (its person's title and name when it has one, else
its own name or address), or a plain name. The line is in the active language,
which ``core.mail.email_send`` sets to the recipient's.
"""

from __future__ import annotations

from django import template

from core import thai_names

register = template.Library()


def name_and_title(recipient) -> tuple[str, str]:
    """(name, title) of whoever an email is addressed to."""
    if recipient is None:
        return "", ""
    if isinstance(recipient, str):
        return recipient, ""
    if hasattr(recipient, "title") and hasattr(recipient, "full_name"):
        # A person or an invitation: the title sits in its own field.
        return recipient.full_name or getattr(recipient, "email", ""), recipient.title
    if hasattr(recipient, "get_full_name"):
        # A login: the directory's record of the person carries the title.
        person = getattr(recipient, "person", None)
        if person is not None and person.full_name:
            return person.full_name, person.title
        return recipient.get_full_name(), ""
    return str(recipient), ""


@register.filter
def salutation(recipient) -> str:
    name, title = name_and_title(recipient)
    return thai_names.salutation(name, title=title)
