"""Office documents (zips): read only when their directory fits the limits, and each
part inflated a step at a time, never past its declared size plus one byte.

A zip is an office document only when its parts say so: ``[Content_Types].xml`` and a
``word/``, ``xl/`` or ``ppt/`` part (OOXML), or a ``mimetype`` part naming an
OpenDocument type (ODF).
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from typing import BinaryIO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import ServiceError

from .rules import ODF, OOXML, Limits, limits, refuse

CENTRAL_HEADER = b"PK\x01\x02"
LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30
# Compressed bytes read, and most bytes inflated, at a time: what one part costs in memory.
STEP = 64 * 1024
# An ODF mimetype part is one line of ~46 bytes; this is all of it that is ever read.
MIMETYPE_MAX_BYTES = 256


class _Damaged(ServiceError):
    """The archive is not what its directory says: a bad header, a cut, a wrong CRC."""

    code = "zip_damaged"


class _Overflow(ServiceError):
    """A part inflates to more bytes than its directory entry declares."""

    code = "zip_overflow"

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


def _part_start(stream: BinaryIO, info: zipfile.ZipInfo, end: int | None) -> int:
    """Where the part's compressed bytes begin, after its local header."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Damaged  # encrypted, or packed in a way office programs do not use
    stream.seek(info.header_offset)
    header = stream.read(LOCAL_HEADER_SIZE)
    if len(header) != LOCAL_HEADER_SIZE or not header.startswith(LOCAL_HEADER):
        raise _Damaged
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + LOCAL_HEADER_SIZE + name_length + extra_length
    if end is not None and start + info.compress_size > end:
        raise _Damaged  # overlaps the next part
    return start


def _inflated(stream: BinaryIO, info: zipfile.ZipInfo):
    """The part's bytes as they come out, a step at a time, never more than the declared
    size plus one. The generator's value (StopIteration) says whether deflate ended."""
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if deflated else None
    compressed_left = info.compress_size
    produced, pending = 0, b""
    while True:
        if not pending:
            if compressed_left <= 0:
                break
            pending = stream.read(min(STEP, compressed_left))
            if not pending:
                raise _Damaged  # the file ends inside the part
            compressed_left -= len(pending)
        room = info.file_size + 1 - produced  # never 0: zlib reads max_length=0 as "no limit"
        if inflater is None:
            out, pending = pending[:room], pending[room:]
        else:
            try:
                out = inflater.decompress(pending, min(STEP, room))
            except zlib.error:
                raise _Damaged from None
            pending = inflater.unconsumed_tail
        produced += len(out)
        yield out
        if inflater is not None and inflater.eof:
            break
    return inflater is None or inflater.eof


def inflate_part(
    stream: BinaryIO, info: zipfile.ZipInfo, *, keep: int = 0, end: int | None = None
) -> bytes:
    """Inflate one part in steps, checking it against its declared size and CRC.

    Produces at most the declared size plus one byte (the byte that proves the
    declaration false: _Overflow), holds at most one step in memory, and returns the
    first ``keep`` bytes. ``end`` is where the next part begins: a part whose bytes run
    into it shares them with another (_Damaged). zipfile's own reader is not used: it
    stops quietly at the declared size, so it can neither see the lie nor be asked to
    stop early.
    """
    stream.seek(_part_start(stream, info, end))
    produced, crc, head = 0, 0, b""
    chunks = _inflated(stream, info)
    while True:
        try:
            out = next(chunks)
        except StopIteration as finished:
            ended = finished.value
            break
        produced += len(out)
        if produced > info.file_size:
            raise _Overflow(info.filename)
        crc = zlib.crc32(out, crc)
        if len(head) < keep:
            head += out[: keep - len(head)]
    if not ended or produced != info.file_size or crc != info.CRC:
        raise _Damaged
    return head


def _directory_check(infos: list[zipfile.ZipInfo], archive_size: int, *, name: str, limit: Limits):
    """Refuse on the directory alone: too much declared, or packed tighter than documents are."""
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit.zip_max_unpacked_bytes:
        raise refuse(
            _(
                "“%(name)s” would unpack to %(size)s; an office document may unpack to "
                "at most %(limit)s."
            ),
            "zip_unpacked",
            name=name,
            size=filesizeformat(unpacked),
            limit=filesizeformat(limit.zip_max_unpacked_bytes),
        )
    if unpacked > limit.zip_max_ratio * max(archive_size, 1):
        raise refuse(
            _(
                "“%(name)s” is packed %(ratio)s to 1; files packed tighter than %(limit)s "
                "to 1 are refused as possible zip bombs."
            ),
            "zip_ratio",
            name=name,
            ratio=unpacked // max(archive_size, 1),
            limit=limit.zip_max_ratio,
        )


def _damaged(name: str):
    return refuse(
        _(
            "“%(name)s” is damaged or packed in a way that cannot be checked. Save it again "
            "from its program and attach it once more."
        ),
        "zip_damaged",
        name=name,
    )


def _parts_read(
    stream: io.BytesIO,
    infos: list[zipfile.ZipInfo],
    archive_size: int,
    mimetype: zipfile.ZipInfo | None,
    *,
    name: str,
) -> bytes:
    """Inflate every part (each checked against its declaration); the mimetype part's
    first bytes, if there is one."""
    # Parts that share their compressed bytes (overlapping entries) would add up to more
    # than the file: the other way a small zip declares a great deal.
    if sum(info.compress_size for info in infos) > archive_size:
        raise _damaged(name)
    # Each part ends where the next one (in file order) begins, the last at the file's end.
    ordered = sorted(infos, key=lambda info: info.header_offset)
    ends = {id(a): b.header_offset for a, b in itertools.pairwise(ordered)}
    declared_type = b""
    try:
        for info in infos:
            head = inflate_part(
                stream,
                info,
                keep=MIMETYPE_MAX_BYTES if info is mimetype else 0,
                end=ends.get(id(info), archive_size),
            )
            if info is mimetype:
                declared_type = head
    except _Overflow as overflow:
        raise refuse(
            _(
                "“%(name)s” holds more data than it declares (in its part “%(part)s”), "
                "which is how a zip bomb works; it was refused."
            ),
            "zip_overflow",
            name=name,
            part=overflow.part[:80],
        ) from None
    except (_Damaged, OSError, ValueError, struct.error):
        raise _damaged(name) from None
    return declared_type


def _ooxml_kind(infos: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        return None
    return next(
        (found for prefix, found in OOXML.items() if any(n.startswith(prefix) for n in names)),
        None,
    )


def office_zip(stream: io.BytesIO, *, name: str) -> tuple[str, str] | None:
    """A zip is an office document only when its parts say so, and only a zip whose
    parts are honest about their sizes and fit the limits is read at all.

    Returns (content type, extension), None when it is not an office document, and
    raises ValidationError when it is one that must be refused.
    """
    limit = limits()
    archive_size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    # Every directory record zipfile would build starts with this signature, so the
    # count bounds the records before zipfile parses (and allocates) any of them.
    records = stream.getvalue().count(CENTRAL_HEADER)
    if records > limit.zip_max_entries:
        raise refuse(
            _(
                "“%(name)s” is made of %(count)s parts; an office document may have "
                "at most %(limit)s."
            ),
            "zip_entries",
            name=name,
            count=records,
            limit=limit.zip_max_entries,
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    ooxml = _ooxml_kind(infos)
    mimetype = next((info for info in infos if info.filename == "mimetype"), None)
    if ooxml is None and mimetype is None:
        return None  # not an office document; none of its parts was inflated
    _directory_check(infos, archive_size, name=name, limit=limit)
    if ooxml is None and mimetype.file_size > MIMETYPE_MAX_BYTES:
        return None  # no ODF mimetype is that long: not read, not an office document
    declared_type = _parts_read(stream, infos, archive_size, mimetype, name=name)
    if ooxml is not None:
        return ooxml
    declared = declared_type.decode("ascii", "replace").strip()
    return (declared, ODF[declared]) if declared in ODF else None
