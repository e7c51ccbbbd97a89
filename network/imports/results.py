"""What reading and checking a file produce: its table, its problems, the preview."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from .codes import _quote
from .columns import Column


@dataclass
class Problem:
    row: int  # the spreadsheet row: the header is row 1
    column: str
    message: str

    def __post_init__(self) -> None:
        self.column = _quote(self.column)


# What confirming does with each row, as the preview says it.
NOTE_NEW = gettext_lazy("New: added to the directory and to the network.")
NOTE_MEMBER = gettext_lazy("Already a member of this network: unchanged.")
NOTE_JOINS = gettext_lazy("Exists in the directory: joins the network unchanged.")
NOTE_REQUEST = gettext_lazy(
    "Exists in the directory: a request to join will be sent to its representatives."
)
NOTE_INVITE = gettext_lazy("Has an account: invited, and given the role on accepting.")
NOTE_INVITED = gettext_lazy("Already invited to this role, waiting for an answer: unchanged.")
NOTE_PERSON_NEW = gettext_lazy("New: added to the organisation with this role.")
NOTE_PERSON_SAME = gettext_lazy("Already there, unchanged.")
NOTE_PERSON_ROLE = gettext_lazy("Already there: given this role.")
NOTE_ROW_SAME = gettext_lazy("The same person as row %(row)s: given this role too.")
UNCHANGED = (NOTE_MEMBER, NOTE_INVITED, NOTE_PERSON_SAME)


@dataclass
class Preview:
    kind: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What the preview tells besides the rows: how the file was read, columns it
    # ignores, the template's example row left out.
    notes: list[str] = field(default_factory=list)
    # What confirming would do beyond writing rows: requests to join filed for
    # organisations already in the directory, and logins invited to a role.
    requests: int = 0
    invitations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def unchanged(self) -> int:
        """Rows that importing leaves as they are (already there)."""
        return sum(1 for row in self.rows if row.get("_note") in UNCHANGED)

    @property
    def table(self) -> list[tuple[int, list[str], str]]:
        """(row number, cells, what happens) for the preview, in the columns' order;
        coded cells by their labels in the user's language."""
        return [
            (
                row["_row"],
                [c.show(row.get(c.key, "")) for c in self.columns],
                str(row["_note"]) % {"row": row.get("_same", "")} if row.get("_note") else "",
            )
            for row in self.rows
        ]


# --- reading a file -----------------------------------------------------------------------
@dataclass
class Table:
    """A file's cells, row by row, all text; and how it was read."""

    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    # A CSV file the reader gave up on, by the line it broke on (then no rows).
    problems: list[Problem] = field(default_factory=list)
