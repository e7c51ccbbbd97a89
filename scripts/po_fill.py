#!/usr/bin/env python
"""Fill translations into a catalogue from a JSON object {msgid: msgstr}.

    python scripts/po_fill.py network/locale/th/LC_MESSAGES/django.po /tmp/th.json

Only listed msgids change; the fuzzy flag is cleared. Prints what is still empty.
"""

from __future__ import annotations

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    for entry in po:
        if entry.msgid in table:
            value = table[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = (
                    {0: value} if isinstance(value, str) else dict(enumerate(value))
                )
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(po_path)
    left = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"{po_path}: {len(left)} untranslated")
    for msgid in left:
        print("  ", repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
