"""Evidence files: the type is read from the content, never from the name.

An upload is accepted when libmagic recognises it as a PDF, an image or an office
document, and it fits settings.EVIDENCE_MAX_BYTES. Images are decoded and saved
again by Pillow, which drops EXIF (GPS positions, device serials) and anything
appended after the image data; a JPEG keeps one EXIF tag, its orientation.

Nothing is decoded before what it will cost is known to be bounded. An image's pixel
count is read from its header and refused over the cap before Pillow decodes a pixel.
An office document (a zip) is refused on its directory alone when it has too many
parts, declares too much unpacked data or is packed tighter than any document is;
each part is then inflated a step at a time and never past its declared size plus
one byte, so a part that lies about its size is caught one byte after the lie instead
of gigabytes later. A few hundred kilobytes of upload can otherwise hold gigabytes.

- ``rules``: the limits (each overridable in settings as ``EVIDENCE_<NAME>``), the
  accepted types, ``CheckedFile`` and ``safe_name``;
- ``checks``: ``evidence_check`` (one file) and ``request_check`` (one update's files);
- ``office``: office documents (zips) read within the limits;
- ``images``: images measured from the header, then stripped of metadata.

A refusal is a ``ValidationError`` naming the file: the upload form shows it beside
the field.
"""

from __future__ import annotations

from .checks import evidence_check, request_check
from .rules import CheckedFile, Limits, limits, safe_name

__all__ = ["CheckedFile", "Limits", "evidence_check", "limits", "request_check", "safe_name"]
