"""Images: the size read from the header and refused over the cap before a pixel is
decoded; then decoded and saved again by Pillow, which drops EXIF (GPS positions,
device serials) and anything appended after the image data. A JPEG keeps one EXIF
tag, its orientation.
"""

from __future__ import annotations

import io
import struct
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

from .rules import PILLOW_FORMATS, limits, refuse


def _megapixels(pixels: int) -> str:
    """Millions of pixels as people say them: 169, 89.5, 48, 0.0012."""
    millions = pixels / 1_000_000
    return f"{millions:.0f}" if millions >= 100 else f"{millions:.3g}"


def _too_many_pixels(name: str, width: int, height: int, cap: int) -> ValidationError:
    return refuse(
        _(
            "“%(name)s” is %(width)s × %(height)s pixels (%(pixels)s million); images may "
            "have at most %(limit)s million pixels."
        ),
        "image_pixels",
        name=name,
        width=width,
        height=height,
        pixels=_megapixels(width * height),
        limit=_megapixels(cap),
    )


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation read so far (1, upright, when there is none), without
    decoding: before load() only EXIF that precedes the pixel data is known."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
    except (OSError, ValueError, SyntaxError, struct.error):
        return 1
    return exif.get(ExifTags.Base.Orientation, 1)


def _turn_check(name: str, width: int, height: int, cap: int, orientation: int) -> None:
    """Formats other than JPEG are turned in memory, which holds the pixels twice: a
    picture that must turn counts double against the cap."""
    if orientation in range(2, 9) and 2 * width * height > cap:
        raise refuse(
            _(
                "“%(name)s” is %(width)s × %(height)s pixels and must be turned upright; "
                "such images may have at most %(limit)s million pixels."
            ),
            "image_pixels",
            name=name,
            width=width,
            height=height,
            limit=_megapixels(cap // 2),
        )


def image_strip(content: bytes, content_type: str, *, name: str) -> bytes:
    """Decode and encode again: EXIF and trailing data do not survive.

    The size is checked from the header, before a pixel is decoded.
    """
    cap = limits().max_image_pixels
    with warnings.catch_warnings():
        # Between its own limit and twice it Pillow only warns, and decodes; here that
        # warning refuses. The filter lives inside this block only: the rest of the
        # process (PDF rendering, say) keeps Pillow's defaults.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=PILLOW_FORMATS[content_type])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            # Over Pillow's own limit, far over ours; Pillow does not say the size.
            raise refuse(
                _(
                    "“%(name)s” has more than %(pixels)s million pixels; images may have "
                    "at most %(limit)s million pixels."
                ),
                "image_pixels",
                name=name,
                pixels=_megapixels(Image.MAX_IMAGE_PIXELS or 0),
                limit=_megapixels(cap),
            ) from None
        with image:
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > cap:
                raise _too_many_pixels(name, width, height, cap)
            jpeg = image.format in ("JPEG", "MPO")  # MPO: a phone's JPEG with more behind it
            if not jpeg:
                _turn_check(name, width, height, cap, _orientation(image))
            try:
                image.load()
            except (Image.DecompressionBombWarning, Image.DecompressionBombError):
                # A GIF frame larger than the canvas the header gave
                raise _too_many_pixels(name, width, height, cap) from None
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
            out = io.BytesIO()
            params: dict = {}
            if jpeg:
                # No optimize=True: its second pass buffers the whole image's coefficients
                # and output (+110 MB at 40 million pixels) to save about 5% of the file.
                params = {"quality": 90}
                # A photo taken upright is stored sideways with a tag saying so. Turning
                # the pixels would hold a second copy of them (+100 MB at 25 million); the
                # tag alone is kept instead, and browsers, viewers and WeasyPrint follow it.
                if orientation in range(2, 9):
                    kept = Image.Exif()
                    kept[ExifTags.Base.Orientation] = orientation
                    params["exif"] = kept.tobytes()
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                fmt = "JPEG"  # an MPO's first picture only
            else:
                # EXIF after the pixel data is known only now, at the cost the cap allowed.
                _turn_check(name, width, height, cap, orientation)
                ImageOps.exif_transpose(image, in_place=True)  # copies only to turn
                fmt = image.format
                if fmt == "GIF":
                    params = {"save_all": False}
            # EXIF, XMP and comments can each carry a place or a device; none is kept.
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment"):
                image.info.pop(key, None)
            image.save(out, format=fmt or content_type.split("/")[1].upper(), **params)
            return out.getvalue()
