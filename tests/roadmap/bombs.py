"""The upload attacks of issue 12 and the honest files beside them, built in memory.

Shared by tests/security/attacks/test_uploads.py and bench/bench_uploads.py, so the
test and the bench replay the same bytes. Each builder streams its data through zlib
a megabyte at a time: building a 300 MB zip bomb never holds 300 MB.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

MB = 1024 * 1024
ODT = b"application/vnd.oasis.opendocument.text"
_CHUNK = b" " * MB


def _odf_parts(archive: zipfile.ZipFile) -> None:
    archive.writestr(
        "META-INF/manifest.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">\n'
        ' <manifest:file-entry manifest:full-path="/" manifest:media-type="'
        + ODT.decode()
        + '"/>\n <manifest:file-entry manifest:full-path="content.xml"'
        ' manifest:media-type="text/xml"/>\n</manifest:manifest>\n',
        compress_type=zipfile.ZIP_DEFLATED,
    )
    archive.writestr(
        "content.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:text><text:p>รายงานความก้าวหน้า</text:p></office:text>"
        "</office:body></office:document-content>\n",
        compress_type=zipfile.ZIP_DEFLATED,
    )


@functools.cache
def zip_bomb(inflated: int = 300 * MB) -> bytes:
    """An OpenDocument text whose ``mimetype`` part is the real type followed by
    ``inflated`` bytes of spaces, declared honestly: about 1000 to 1 packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as part:
            part.write(ODT)
            left = inflated - len(ODT)
            while left > 0:
                part.write(_CHUNK[: min(MB, left)])
                left -= MB
        _odf_parts(archive)
    return out.getvalue()


@functools.cache
def lying_zip_bomb(inflated: int = 300 * MB) -> bytes:
    """The same bomb with its ``mimetype`` part declared as just the type (39 bytes, and
    the CRC of those 39 bytes): a reader that trusts the directory sees a small, valid
    document and never learns what the part really holds."""
    data = bytearray(zip_bomb(inflated))
    declared, crc = len(ODT), zlib.crc32(ODT)
    local = data.index(b"PK\x03\x04")  # the mimetype part comes first
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, declared)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


@functools.cache
def many_parts_zip(parts: int = 6_000) -> bytes:
    """A Word document of ``parts`` tiny parts: small to send, costly to list."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(parts):
            archive.writestr(f"word/p{i}.xml", "")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def png_bomb(width: int = 13_000, height: int = 13_000) -> bytes:
    """A valid black RGB PNG of width × height pixels (13,000² is 169 million pixels,
    507 MB decoded) that is about half a megabyte on the wire."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte "none", then black pixels
    idat = [compressor.compress(row) for _ in range(height)]
    idat.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(idat))
        + _png_chunk(b"IEND", b"")
    )


def png_turned(width: int, height: int, *, exif_last: bool = False) -> bytes:
    """An RGBA PNG whose EXIF says it must be turned (turning copies the pixels); with
    ``exif_last`` the eXIf chunk comes after the pixel data, known only once decoded."""
    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGBA")
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90° clockwise to be upright
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif.tobytes())
    png = out.getvalue()
    if exif_last:
        start = png.index(b"eXIf") - 4
        chunk = png[start : start + 12 + int.from_bytes(png[start : start + 4], "big")]
        png = png.replace(chunk, b"")
        end = png.index(b"IEND") - 4
        png = png[:end] + chunk + png[end:]
    return png


# --- honest files ---------------------------------------------------------------------
def docx() -> bytes:
    """A minimal Word document laid out as Word writes one (deflated parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body>"
            + "<w:p><w:r><w:t>บันทึกการประชุมเครือข่าย</w:t></w:r></w:p>" * 200
            + "</w:body></w:document>",
        )
    return out.getvalue()


def xlsx() -> bytes:
    """A real spreadsheet, written by openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "ผลการดำเนินงาน"
    sheet.append(["โรงเรียน", "ร้อยละ"])
    for i in range(500):
        sheet.append([f"โรงเรียนที่ {i}", i % 100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt() -> bytes:
    """An OpenDocument text laid out as LibreOffice writes one: ``mimetype`` first and
    stored, the other parts deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        _odf_parts(archive)
    return out.getvalue()
