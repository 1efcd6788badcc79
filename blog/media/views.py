"""The media files, at /media/ab/<hash>-<width>.<ext>: public, immutable, never sniffed."""

from flask import Blueprint, abort, request

from blog.media import rendering
from blog.media.storage import is_valid_name, storage

bp = Blueprint("media", __name__, url_prefix="/media")


@bp.route("/<path:name>")
def file(name: str):
    """One rendition; any other path (``..``, another folder, a made-up name) is a 404."""
    if not is_valid_name(name):
        abort(404)
    response = storage().response(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def first_image(body_html: str) -> dict | None:
    """A post's first image for its link preview (og:image), with an absolute URL."""
    return rendering.first_image(body_html, request.host_url)
