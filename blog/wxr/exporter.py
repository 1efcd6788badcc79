"""Writing the blog as a WordPress eXtended RSS 1.2 file that WordPress's importer reads.

The file is written as a stream, posts in chunks with their tags and
comments, so a large blog never sits in memory whole.

Ids are chosen so an export → import → export round trip writes the same
file: a post or comment imported from WordPress keeps its WordPress id, one
written here gets its own id (or, if a WordPress id already took that
number, the next free one); authors and tags are numbered in order. A post
tagged ``page`` is written as a WordPress page, as ``import-wxr`` reads one.
"""

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

import sqlalchemy as sa
from flask import current_app

from blog import dates, text
from blog.extensions import db
from blog.media.rendering import with_absolute_image_urls
from blog.models import Comment, CommentStatus, MediaItem, Post, Tag, User, post_tags, utcnow
from blog.urls import post_url
from blog.wxr.content import to_body

NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
CHUNK = 500
COMMENT_APPROVED = {
    CommentStatus.APPROVED: "1",
    CommentStatus.PENDING: "0",
    CommentStatus.SPAM: "spam",
    CommentStatus.TRASH: "trash",
    CommentStatus.REMOVED: "trash",  # WordPress has no removed-but-kept state
}
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    return escape(_NOT_XML.sub("", str(value)))


class _Writer:
    def __init__(self, out: TextIO):
        self.out = out

    def element(self, name: str, value, depth: int, **attributes) -> None:
        attrs = "".join(f" {key}={quoteattr(_NOT_XML.sub('', v))}" for key, v in attributes.items())
        self.out.write(f"{chr(9) * depth}<{name}{attrs}>{_text(value)}</{name}>\n")

    def open(self, name: str, depth: int) -> None:
        self.out.write(f"{chr(9) * depth}<{name}>\n")

    def close(self, name: str, depth: int) -> None:
        self.out.write(f"{chr(9) * depth}</{name}>\n")


def export_ids(pairs: list[tuple[int, int | None]]) -> dict[int, int]:
    """Our id → the id written to the file (see the module docstring)."""
    taken = {wp_id for _, wp_id in pairs if wp_id is not None}
    next_free = max(taken | {id_ for id_, _ in pairs}, default=0) + 1
    ids = {}
    for id_, wp_id in sorted(pairs):
        if wp_id is not None:
            ids[id_] = wp_id
        elif id_ not in taken:
            ids[id_] = id_
        else:
            ids[id_] = next_free
            next_free += 1
    return ids


def _rendered(body: str) -> str:
    """A body as sanitized HTML, with ``<!--more-->`` kept where the author put it."""
    parts = text.MORE_MARKER.split(body, maxsplit=1)
    return "\n\n<!--more-->\n\n".join(str(text.render_markdown(part)).strip() for part in parts)


def wordpress_html(post: Post) -> str:
    """The post as WordPress content: what readers here see, sanitized.

    The HTML is brought to the form that importing it gives back unchanged
    (``_rendered(to_body(html)) == html``; a step or two from the first
    rendering), so export → import → export writes the same content.
    """
    html = _rendered(post.body or "")
    for _ in range(5):
        again = _rendered(to_body(html))
        if again == html:
            break
        html = again
    return html


def _wp_date(moment: datetime | None, zone) -> str:
    if moment is None:
        return "0000-00-00 00:00:00"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def export(path: Path, base_url: str) -> dict[str, int]:
    """Write the WXR file; returns how many posts, pages, comments, tags, authors."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        return write(out, base_url.rstrip("/"))


def write(out: TextIO, base_url: str) -> dict[str, int]:
    zone = dates.site_zone()
    config = current_app.config
    w = _Writer(out)
    counts = dict.fromkeys(("posts", "pages", "comments", "tags", "authors", "attachments"), 0)
    users = list(db.session.execute(sa.select(User.id, User.username, User.display_name)))
    user_ids = {row.id: number for number, row in enumerate(sorted(users), start=1)}
    tags = list(db.session.execute(sa.select(Tag.id, Tag.slug, Tag.name).order_by(Tag.slug)))
    post_ids = export_ids(list(db.session.execute(sa.select(Post.id, Post.wp_id)).all()))
    comment_ids = export_ids(list(db.session.execute(sa.select(Comment.id, Comment.wp_id)).all()))

    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
    # (No "--" may appear inside an XML comment.)
    out.write("<!-- A WordPress eXtended RSS (WXR 1.2) file: this blog's export-wxr. -->\n")
    namespaces = "".join(
        f"\n\txmlns:{prefix}={quoteattr(uri)}" for prefix, uri in NAMESPACES.items()
    )
    out.write(f'<rss version="2.0"{namespaces}\n>\n')
    w.open("channel", 0)
    w.element("title", config["SITE_TITLE"], 1)
    w.element("link", base_url, 1)
    w.element("description", config["SITE_TAGLINE"], 1)
    w.element("language", config["LANGUAGE"], 1)
    w.element("wp:wxr_version", "1.2", 1)
    w.element("wp:base_site_url", base_url, 1)
    w.element("wp:base_blog_url", base_url, 1)
    for row in sorted(users):
        w.open("wp:author", 1)
        w.element("wp:author_id", user_ids[row.id], 2)
        w.element("wp:author_login", row.username, 2)
        w.element("wp:author_email", "", 2)
        w.element("wp:author_display_name", row.display_name, 2)
        w.element("wp:author_first_name", "", 2)
        w.element("wp:author_last_name", "", 2)
        w.close("wp:author", 1)
        counts["authors"] += 1
    for number, row in enumerate(tags, start=1):
        w.open("wp:tag", 1)
        w.element("wp:term_id", number, 2)
        w.element("wp:tag_slug", row.slug, 2)
        w.element("wp:tag_name", row.name, 2)
        w.close("wp:tag", 1)
        counts["tags"] += 1
    w.element("generator", "flask-blog", 1)

    ordered = sorted(post_ids, key=lambda id_: post_ids[id_])
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        posts = db.session.scalars(sa.select(Post).where(Post.id.in_(chunk)))
        posts = sorted(posts, key=lambda post: post_ids[post.id])
        usernames = {row.id: row.username for row in users}
        tag_rows = db.session.execute(
            sa.select(post_tags.c.post_id, Tag.slug, Tag.name)
            .join(Tag, Tag.id == post_tags.c.tag_id)
            .where(post_tags.c.post_id.in_(chunk))
            .order_by(Tag.slug)
        )
        post_tag_map: dict[int, list[tuple[str, str]]] = {}
        for post_id, slug, name in tag_rows:
            post_tag_map.setdefault(post_id, []).append((slug, name))
        comment_map: dict[int, list[Comment]] = {}
        for comment in db.session.scalars(sa.select(Comment).where(Comment.post_id.in_(chunk))):
            comment_map.setdefault(comment.post_id, []).append(comment)
        with current_app.test_request_context(base_url=base_url + "/"):
            links = {post.id: post_url(post, _external=True) for post in posts}
        for post in posts:
            post_tag_list = post_tag_map.get(post.id, [])
            counts["pages" if post.is_page else "posts"] += 1
            comments = sorted(comment_map.get(post.id, []), key=lambda c: comment_ids[c.id])
            counts["comments"] += len(comments)
            _write_item(w, post, post_ids[post.id], links[post.id], base_url, zone,
                        usernames.get(post.author_id, ""), post_ids.get(post.parent_id, 0),
                        post_tag_list, comments, comment_ids, user_ids)  # fmt: skip
        db.session.expunge_all()
    counts["attachments"] = _write_attachments(w, base_url, zone, set(post_ids.values()))
    w.close("channel", 0)
    out.write("</rss>\n")
    return counts


def _write_item(
    w, post, wp_id, link, base_url, zone, creator, parent_wp_id, tag_list, comments, comment_ids,
    user_ids,
) -> None:  # fmt: skip
    date = post.published_at or post.created_at
    if post.status == "published":
        status = "future" if post.published_at and post.published_at > utcnow() else "publish"
    else:
        status = "draft"
    w.open("item", 1)
    w.element("title", post.title, 2)
    w.element("link", link, 2)
    w.element("pubDate", format_datetime(date.astimezone(UTC)), 2)
    w.element("dc:creator", creator, 2)
    w.element("guid", f"{base_url}/?p={wp_id}", 2, isPermaLink="false")
    w.element("description", "", 2)
    # Absolute image URLs: WordPress's importer fetches and rewrites only those.
    w.element("content:encoded", with_absolute_image_urls(wordpress_html(post), base_url + "/"), 2)
    w.element("excerpt:encoded", post.excerpt or "", 2)
    w.element("wp:post_id", wp_id, 2)
    w.element("wp:post_date", _wp_date(date, zone), 2)
    w.element("wp:post_date_gmt", _wp_date(date, UTC), 2)
    w.element("wp:post_modified", _wp_date(post.updated_at, zone), 2)
    w.element("wp:post_modified_gmt", _wp_date(post.updated_at, UTC), 2)
    w.element("wp:comment_status", "open" if post.allow_comments else "closed", 2)
    w.element("wp:ping_status", "closed", 2)
    w.element("wp:post_name", post.slug, 2)
    w.element("wp:status", status, 2)
    w.element("wp:post_parent", parent_wp_id, 2)
    w.element("wp:menu_order", post.menu_order, 2)
    w.element("wp:post_type", "page" if post.is_page else "post", 2)
    w.element("wp:post_password", "", 2)
    w.element("wp:is_sticky", 0, 2)
    for slug, name in tag_list:
        w.element("category", name, 2, domain="post_tag", nicename=slug)
    for comment in comments:
        w.open("wp:comment", 2)
        w.element("wp:comment_id", comment_ids[comment.id], 3)
        w.element("wp:comment_author", comment.author_name, 3)
        w.element("wp:comment_author_email", comment.author_email, 3)
        w.element("wp:comment_author_url", comment.author_url, 3)
        w.element("wp:comment_author_IP", comment.author_ip, 3)
        w.element("wp:comment_date", _wp_date(comment.created_at, zone), 3)
        w.element("wp:comment_date_gmt", _wp_date(comment.created_at, UTC), 3)
        w.element("wp:comment_content", comment.body, 3)
        w.element("wp:comment_approved", COMMENT_APPROVED[comment.status], 3)
        w.element("wp:comment_type", "comment", 3)
        w.element("wp:comment_parent", comment_ids.get(comment.parent_id, 0), 3)
        w.element("wp:comment_user_id", user_ids.get(comment.user_id, 0), 3)
        w.close("wp:comment", 2)
    w.close("item", 1)


def _write_attachments(w, base_url: str, zone, taken: set[int]) -> int:
    """Each media item as a WordPress attachment, its file the JPEG/PNG every site can read.

    Ids share WordPress's one sequence with posts: an item keeps its WordPress
    id unless a post took it, else gets the next number no post uses.
    """
    next_free = max(taken, default=0) + 1
    items = db.session.scalars(sa.select(MediaItem).order_by(MediaItem.id)).all()
    for item in items:
        if item.wp_id is not None and item.wp_id not in taken:
            wp_id = item.wp_id
        else:
            wp_id, next_free = next_free, next_free + 1
        taken.add(wp_id)
        url = f"{base_url}/media/{item.file_name_of(item.fallback)}"
        w.open("item", 1)
        w.element("title", item.file_name, 2)
        w.element("link", url, 2)
        w.element("pubDate", format_datetime(item.created_at.astimezone(UTC)), 2)
        w.element("guid", url, 2, isPermaLink="false")
        w.element("description", "", 2)
        w.element("content:encoded", "", 2)
        w.element("excerpt:encoded", "", 2)
        w.element("wp:post_id", wp_id, 2)
        w.element("wp:post_date", _wp_date(item.created_at, zone), 2)
        w.element("wp:post_date_gmt", _wp_date(item.created_at, UTC), 2)
        w.element("wp:post_name", text.slugify(item.file_name.rsplit(".", 1)[0]) or wp_id, 2)
        w.element("wp:status", "inherit", 2)
        w.element("wp:post_parent", 0, 2)
        w.element("wp:post_type", "attachment", 2)
        w.element("wp:attachment_url", url, 2)
        w.open("wp:postmeta", 2)
        w.element("wp:meta_key", "_wp_attachment_image_alt", 3)
        w.element("wp:meta_value", item.alt, 3)
        w.close("wp:postmeta", 2)
        w.close("item", 1)
    return len(items)
