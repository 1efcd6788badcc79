"""Old WordPress links answer with a 301 to where the content lives now.

Two ways in, neither able to shadow one of the blog's own pages:

- ``/?p=ID``, ``/?page_id=ID`` (and ``/?feed=…``, ``/?tag=…``, ``/?s=…``,
  ``/?m=YYYYMM``): checked before the home page only when those arguments
  are present; the post is found by its indexed ``wp_id``.
- Every other old path (``/2019/05/04/hello/``, ``/hello/``,
  ``/archives/123``, ``/category/news/``…) reaches the blog as a 404; the
  404 handler looks it up in the indexed ``legacy_links`` table (filled by
  ``import-wxr``) before showing the error page.

Only published posts are redirected to: a draft's old link stays a 404.
"""

import re

import sqlalchemy as sa
from flask import Blueprint, Flask, redirect, request, url_for
from werkzeug.exceptions import NotFound

from blog.extensions import db
from blog.models import LegacyLink, Post, Tag
from blog.pagination import row_id
from blog.urls import post_url

bp = Blueprint("redirects", __name__)

FEED_PATHS = {
    "/feed/rss2": "feeds.site",
    "/feed/rss": "feeds.site",
    "/feed/rdf": "feeds.site",
    "/feed/atom": "feeds.site",
    "/rss": "feeds.site",
    "/comments/feed/rss2": "feeds.comments",
    "/comments/feed/atom": "feeds.comments",
}
FEED_ARGS = {
    "rss2": "feeds.site",
    "rss": "feeds.site",
    "rdf": "feeds.site",
    "atom": "feeds.site",
    "comments-rss2": "feeds.comments",
    "comments-atom": "feeds.comments",
}
# What WordPress appends to a post's address for another view of the same post.
_VIEW_SUFFIX = re.compile(r"/(?:comment-page-\d+|amp|embed)$")
MAX_PATH = 500


def normalize_path(path: str) -> str:
    """The form old paths are stored and looked up in: no trailing slash, lower case."""
    return ("/" + path.strip().strip("/")).lower()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # A handler for the 404 code is chosen before the generic HTTPException one.
    app.register_error_handler(404, not_found)


@bp.before_app_request
def wordpress_query_links():
    """``/?p=ID`` and friends: WordPress's default links, on the home page's address."""
    if request.path != "/" or not request.args or request.method not in ("GET", "HEAD"):
        return None
    target = None
    wp_id = row_id(request.args.get("p") or request.args.get("page_id"))
    if wp_id is not None:
        target = _post_target(sa.select(Post).where(Post.wp_id == wp_id))
    elif request.args.get("feed") in FEED_ARGS:
        target = url_for(FEED_ARGS[request.args["feed"]])
    elif request.args.get("s") is not None:  # WordPress's search
        target = url_for("posts.search", q=request.args["s"])
    elif re.fullmatch(r"\d{4}(?:0[1-9]|1[0-2])?", request.args.get("m", "")):  # ?m=YYYY[MM]
        year, month = request.args["m"][:4], request.args["m"][4:]
        target = url_for("posts.archive", year=int(year), month=int(month) if month else None)
    elif request.args.get("tag", "").isprintable() and request.args.get("tag"):
        slug = request.args["tag"]
        target = _tag_target(normalize_path("/tag/" + slug))
        if target is None and db.session.scalar(sa.select(Tag.id).where(Tag.slug == slug)):
            target = url_for("posts.tag", slug=slug)
    return redirect(target, 301) if target else None


def not_found(error: NotFound):
    if request.method in ("GET", "HEAD"):
        target = legacy_target(request.path)
        if target and normalize_path(target) != normalize_path(request.path):
            return redirect(target, 301)
    from blog.errors import http_error

    return http_error(error)


def legacy_target(path: str) -> str | None:
    """Where an old path now lives, or None."""
    path = normalize_path(path)
    if len(path) > MAX_PATH or not path.isprintable():  # PostgreSQL refuses NUL in text
        return None
    if path in FEED_PATHS:
        return url_for(FEED_PATHS[path])
    path = _VIEW_SUFFIX.sub("", path) or "/"
    link = db.session.execute(
        sa.select(LegacyLink.post_id, LegacyLink.tag_id).where(LegacyLink.path == path)
    ).first()
    if link is None:
        return None
    if link.post_id is not None:
        return _post_target(sa.select(Post).where(Post.id == link.post_id))
    return _tag_target(path, link.tag_id)


def _post_target(select: sa.Select) -> str | None:
    post = db.session.scalar(select)
    return post_url(post) if post is not None and post.is_published else None


def _tag_target(path: str, tag_id: int | None = None) -> str | None:
    if tag_id is None:
        tag_id = db.session.scalar(sa.select(LegacyLink.tag_id).where(LegacyLink.path == path))
    slug = db.session.scalar(sa.select(Tag.slug).where(Tag.id == tag_id)) if tag_id else None
    return url_for("posts.tag", slug=slug) if slug else None
