"""Turning uploaded bytes into clean, resized images (Pillow), once, on upload.

The type is decided from the bytes alone: Pillow must open, verify and
decode them. The result is saved afresh, so nothing of the original file
survives but its pixels: no EXIF (GPS, camera serial, owner), no XMP, no
IPTC, no comment, nothing appended after the image. Colours are converted to
sRGB, orientation is applied, and each width is made once, never upscaled.
"""

import io
import re
import warnings
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# What Pillow may open: everything else (SVG, HTML, PDF, PSD…) is refused unread.
# HEIF only where a plugin (pillow-heif) registered it; AVIF is built into Pillow 11+.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "AVIF", "HEIF", "MPO"})
# The formats sources keep as their fallback; photographs and the rest become JPEG.
LOSSLESS_SOURCES = frozenset({"PNG", "GIF"})
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Markup a browser would run if it ever sniffed the file as a page (a polyglot). Only
# words of five characters or more: a shorter one turns up by chance in compressed pixels.
_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|\?php|!doctype)|javascript:", re.IGNORECASE
)
_SVG = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:svg|!DOCTYPE svg)", re.I | re.S)
WEBP_QUALITY = 80
JPEG_QUALITY = 82
_SRGB = ImageCms.createProfile("sRGB")


class ImageRefused(ValueError):
    """The upload is not an image we accept; the message is for the author."""


@dataclass(frozen=True)
class Rendition:
    """One stored file: a width of the image in one format."""

    width: int
    height: int
    extension: str
    data: bytes


@dataclass(frozen=True)
class ProcessedImage:
    width: int  # upright, as readers see it
    height: int
    webp: list[Rendition]  # one per width, narrowest first
    fallback: Rendition  # the ``src`` for browsers that take no WebP


def process(
    data: bytes, widths: tuple[int, ...], fallback_width: int, max_pixels: int
) -> ProcessedImage:
    """Check ``data`` is an image we accept and make its renditions.

    Raises ImageRefused, with a message for the author, for anything else.
    """
    image, source_format = decoded(data, max_pixels)
    image = in_srgb(upright(image))
    # Widest first, each from the one before: a fraction of the work of resizing
    # the full image every time, and as sharp (Lanczos at every step).
    made: dict[int, Image.Image] = {}
    source = image
    for width in reversed(target_widths(image.width, widths)):
        made[width] = source = resized(source, width)
    fallback_width = min(fallback_width, image.width)
    fallback = made.get(fallback_width) or resized(image, fallback_width)
    return ProcessedImage(
        width=image.width,
        height=image.height,
        webp=[encoded(made[width], "WEBP") for width in sorted(made)],
        fallback=encoded(fallback, "PNG" if source_format in LOSSLESS_SOURCES else "JPEG"),
    )


@cache
def readable_formats() -> list[str]:
    Image.init()
    return sorted(ACCEPTED_FORMATS & set(Image.OPEN))


def target_widths(original: int, widths: tuple[int, ...]) -> list[int]:
    """The configured widths narrower than the original, and the original's own if it is
    narrower than the widest: never an upscaled copy."""
    smaller = sorted(width for width in set(widths) if width < original)
    if original <= max(widths):
        smaller.append(original)
    return smaller


def decoded(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The image in ``data``, fully decoded, and its format; or ImageRefused."""
    if _SVG.match(data[:4096]):
        raise ImageRefused(_("SVG images are not accepted: upload a PNG or JPEG instead."))
    if _MARKUP.search(data):
        raise ImageRefused(_("This file holds web page code besides an image, so it is refused."))
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=readable_formats())
            refuse_huge(probe.width, probe.height, max_pixels)
            probe.verify()  # structure and checksums; the image must be opened again after
            image = Image.open(io.BytesIO(data), formats=readable_formats())
            source_format = image.format
            image.seek(0)  # an animation gives its first frame
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(too_many_pixels(max_pixels)) from error
    except UnidentifiedImageError as error:
        raise ImageRefused(
            _("This file is not an image we can read: upload a JPEG, PNG, WebP or GIF.")
        ) from error
    except Exception as error:  # a fuzzed file raises whatever the decoder meets
        raise ImageRefused(
            _("This image is damaged or incomplete; please export it again.")
        ) from error
    return image, source_format


def upright(image: Image.Image) -> Image.Image:
    """Turned as its EXIF orientation says; as it is if that EXIF cannot be read."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, TypeError, KeyError, SyntaxError):
        return image


def refuse_huge(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageRefused(too_many_pixels(max_pixels))


def too_many_pixels(max_pixels: int) -> str:
    return _(
        "This image has too many pixels (more than %(megapixels)d megapixels).",
        megapixels=max_pixels // 1_000_000,
    )


def in_srgb(image: Image.Image) -> Image.Image:
    """RGB(A) pixels in sRGB: what every rendition starts from."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are, taken as sRGB
    return image.convert(mode)


def resized(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encoded(image: Image.Image, image_format: str) -> Rendition:
    """``image`` saved afresh: no metadata of any kind is passed to the encoder."""
    if image_format == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.info = {}  # resize() copies info (exif, xmp, icc_profile…): none of it is written
    out = io.BytesIO()
    options = {
        "WEBP": {"quality": WEBP_QUALITY, "method": 4},
        "JPEG": {"quality": JPEG_QUALITY, "optimize": True, "progressive": True},
        "PNG": {"optimize": True},
    }[image_format]
    image.save(out, image_format, **options)
    return Rendition(image.width, image.height, EXTENSIONS[image_format], out.getvalue())
