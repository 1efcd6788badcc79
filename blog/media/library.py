"""Media items: adding an upload (once per photo), where each is used, deleting."""

import hashlib
import re

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from blog.extensions import db
from blog.media import images
from blog.media.images import ImageRefused
from blog.media.storage import storage
from blog.models import MediaItem, Post

FILE_NAME_MAX = 255
_MARKDOWN_ALT_SPECIAL = re.compile(r"([\\\[\]])")


def too_large(size: int) -> str | None:
    limit = current_app.config["MEDIA_MAX_BYTES"]
    if size > limit:
        return _(
            "This file is %(size)s; the limit is %(limit)s.",
            size=megabytes(size),
            limit=megabytes(limit),
        )
    return None


def megabytes(size: int) -> str:
    return _("%(megabytes).1f MB", megabytes=size / 1_000_000)


def add_image(
    data: bytes, file_name: str, alt: str = "", uploader_id: int | None = None
) -> MediaItem:
    """The media item for ``data``: made once (checked, re-encoded, stored), then found again.

    Raises ImageRefused with a message for the author.
    """
    item = image_item(data, file_name, alt, uploader_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same photo, uploaded at the same moment by another request
        db.session.rollback()
        return find(item.sha256)
    return item


def image_item(
    data: bytes, file_name: str, alt: str = "", uploader_id: int | None = None
) -> MediaItem:
    """The item for ``data``, found or made and added to the session; the caller commits.

    The files are stored at once: should the commit fail, they stay unreferenced
    (harmless, and reused by the next upload of the same bytes).
    """
    if message := too_large(len(data)):
        raise ImageRefused(message)
    sha256 = hashlib.sha256(data).hexdigest()
    if (existing := find(sha256)) is not None:
        return existing
    config = current_app.config
    made = images.process(
        data,
        widths=tuple(config["MEDIA_WIDTHS"]),
        fallback_width=config["MEDIA_FALLBACK_WIDTH"],
        max_pixels=config["MEDIA_MAX_PIXELS"],
    )
    copies = (*made.webp, made.fallback)
    item = MediaItem(
        sha256=sha256,
        file_name=display_name(file_name),
        alt=alt,
        width=made.width,
        height=made.height,
        uploaded_bytes=len(data),
        uploader_id=uploader_id,
        renditions=[
            {"width": copy.width, "height": copy.height, "ext": copy.extension,
             "bytes": len(copy.data)}
            for copy in copies
        ],
    )  # fmt: skip
    for copy, rendition in zip(copies, item.renditions, strict=True):
        storage().save(item.file_name_of(rendition), copy.data)
    db.session.add(item)
    return item


def find(sha256: str) -> MediaItem | None:
    return db.session.scalar(sa.select(MediaItem).where(MediaItem.sha256 == sha256))


def display_name(file_name: str) -> str:
    """The uploaded file's own name, for the library: no folders, no control characters."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", file_name.replace("\\", "/").rsplit("/", 1)[-1])
    return name.strip()[:FILE_NAME_MAX] or "image"


def url_of(item: MediaItem) -> str:
    """The path posts use: the fallback rendition (browsers pick from the srcset).

    Outside a request (an import on the command line) it is built under
    APPLICATION_ROOT, as url_for would for a request to the site's root.
    """
    values = {"name": item.file_name_of(item.fallback)}
    if has_request_context():
        return url_for("media.file", **values)
    root = current_app.config["APPLICATION_ROOT"]
    return current_app.url_map.bind("localhost", script_name=root).build("media.file", values)


def markdown_for(item: MediaItem, alt: str) -> str:
    """``![alt](url)``: the alt on one line, with its brackets and backslashes escaped."""
    text = _MARKDOWN_ALT_SPECIAL.sub(r"\\\1", " ".join(alt.split()))
    return f"![{text}]({url_of(item)})"


def posts_using(items: list[MediaItem]) -> dict[int, list[tuple[int, str]]]:
    """For each item, the posts (id, title) whose Markdown shows it: one query for a page."""
    if not items:
        return {}
    select = sa.select(Post.id, Post.title, Post.body).where(
        sa.or_(*(Post.body.contains(item.sha256) for item in items))
    )
    used: dict[int, list[tuple[int, str]]] = {item.id: [] for item in items}
    for post_id, title, body in db.session.execute(select.order_by(Post.id)):
        for item in items:
            if item.sha256 in body:
                used[item.id].append((post_id, title))
    return used


def delete(item: MediaItem) -> list[tuple[int, str]]:
    """Delete ``item`` and its files, unless a post shows it: then return those posts."""
    if users := posts_using([item])[item.id]:
        return users
    names = item.stored_names()
    db.session.delete(item)
    db.session.commit()
    for name in names:  # after the commit: a failed commit leaves the files in place
        storage().delete(name)
    return []
