"""The schedule page's note when the agreement asks for a rhythm we do not offer.

The proposal stores the section and the sentence it read ("IV-D: «ทุก 5 เดือน»"); the
note is worked out again from that sentence in the reader's language, so it is never
stored in one language only.
"""

from __future__ import annotations

from django import template

from reports.frequency import frequency_reading

register = template.Library()


@register.filter
def agreement_frequency_note(proposed_from: str) -> str:
    """ "every 5 months is not a frequency we offer; closest: …", or empty."""
    text = str(proposed_from or "")
    if "«" not in text:
        return ""
    reading = frequency_reading(text.partition("«")[2].rpartition("»")[0])
    return reading.note if reading else ""
