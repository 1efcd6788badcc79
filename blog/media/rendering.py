"""Our images in a post's HTML: srcset, sizes, width and height, added when it is saved.

This runs on HTML the sanitizer has already cleaned, and adds attributes
whose values it builds itself from the media table: the allow-list never
lets an author write ``srcset`` or ``loading`` (an author's ``srcset`` would
carry URLs no protocol check sees).
"""

import re
from collections.abc import Mapping
from html import unescape
from urllib.parse import urljoin

from flask import current_app, has_app_context
from markupsafe import escape

from blog.config import DEFAULTS

# The path of a rendition, as url_for("media.file") makes it, under any prefix or host.
MEDIA_SRC = re.compile(
    r"^(?P<base>(?:https?://[^/\s\"]+)?(?:/[^\s\"]*)?/media/[0-9a-f]{2}/)"
    r"(?P<sha>[0-9a-f]{64})-[0-9]+\.(?:webp|jpg|png)$"
)
MEDIA_HASH = re.compile(r"/media/[0-9a-f]{2}/([0-9a-f]{64})-[0-9]+\.(?:webp|jpg|png)")
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
# The sanitizer lets an author give width and height; ours replace them on our images.
_SIZE_ATTRIBUTE = re.compile(r'\s(?:width|height)="[^"]*"')


def hashes_in(source: str) -> set[str]:
    """The media items a post's Markdown (or HTML) refers to."""
    return set(MEDIA_HASH.findall(source))


def with_image_attributes(html: str, images: Mapping[str, Mapping]) -> str:
    """Every image decoded off the main thread, all but the first loaded lazily; ours
    (``images``: media rows by hash) with their widths to choose from and their size."""
    config = current_app.config if has_app_context() else DEFAULTS
    sizes = config["MEDIA_SIZES"]
    seen = 0

    def rewrite(match: re.Match) -> str:
        nonlocal seen
        seen += 1
        tag = match.group(0).removesuffix(">").removesuffix("/").rstrip()
        added = {"decoding": "async", **({"loading": "lazy"} if seen > 1 else {})}
        src = _SRC.search(tag)
        media = MEDIA_SRC.match(unescape(src.group(1))) if src else None
        item = images.get(media["sha"]) if media else None
        if item is not None:
            tag = _SIZE_ATTRIBUTE.sub("", tag)
            added |= responsive(media["base"], item, sizes)
        return tag + "".join(f' {name}="{escape(value)}"' for name, value in added.items()) + ">"

    return _IMG.sub(rewrite, html)


def responsive(base: str, item: Mapping, sizes: str) -> dict[str, str]:
    """srcset and sizes from an item's WebP renditions; width and height of its src."""
    *webp, fallback = item["renditions"]
    candidates = ", ".join(
        f"{base}{item['sha256']}-{rendition['width']}.{rendition['ext']} {rendition['width']}w"
        for rendition in webp
    )
    return {
        "srcset": candidates,
        "sizes": sizes,
        "width": str(fallback["width"]),
        "height": str(fallback["height"]),
    }


_URL_ATTRIBUTE = re.compile(r'\s(src|srcset)="([^"]*)"')
_NUMBER_ATTRIBUTE = re.compile(r'\s(width|height)="([0-9]+)"')


def with_absolute_image_urls(html: str, root: str) -> str:
    """Image addresses (src and each srcset candidate) made absolute against ``root``:
    feed readers copy entries elsewhere, where a path means nothing."""

    def absolute(match: re.Match) -> str:
        name, value = match.groups()
        if name == "src":
            return f' src="{urljoin(root, value)}"'
        candidates = (candidate.strip().partition(" ") for candidate in value.split(","))
        joined = ", ".join(f"{urljoin(root, url)}{space}{size}" for url, space, size in candidates)
        return f' srcset="{joined}"'

    return _IMG.sub(lambda tag: _URL_ATTRIBUTE.sub(absolute, tag.group(0)), html)


def first_image(html: str, root: str) -> dict | None:
    """The first image of a post, for link previews (og:image): its absolute URL and size."""
    tag = _IMG.search(html)
    src = _SRC.search(tag.group(0)) if tag else None
    if src is None:
        return None
    sizes = dict(_NUMBER_ATTRIBUTE.findall(tag.group(0)))
    return {"url": urljoin(root, unescape(src.group(1))), **sizes}
