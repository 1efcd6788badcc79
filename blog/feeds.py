"""Atom 1.0 feeds: the latest posts, a tag's posts, one post's comments, all comments.

Every feed is a handful of queries whatever the size of the blog, carries
absolute links and entry ids that survive a changed slug or title, and
answers a revalidation that finds nothing new with a 304. A commenter's
email and address are never loaded for a feed, let alone written into one.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, defer

from blog import pagecache, text
from blog.extensions import db
from blog.media.rendering import with_absolute_image_urls
from blog.models import (
    COMMENTS,
    POSTS,
    Comment,
    CommentStatus,
    Post,
    Tag,
    discussion_of,
    post_topic,
    published_posts,
)
from blog.posts.queries import tag_or_404, with_listing_data
from blog.urls import post_feed_url, post_url

bp = Blueprint("feeds", __name__)

CONTENT_TYPE = "application/atom+xml; charset=utf-8"
MAX_AGE = 300
# The <updated> of a feed with no entries yet.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The date in the ids of feeds that have none of their own (tag URIs, RFC 4151).
# Part of ids that feed readers keep: never change it.
FEED_ID_DATE = "2025"
# Characters XML 1.0 forbids (C0 controls but tab and newlines, surrogates,
# U+FFFE/U+FFFF), and DEL and the C1 controls, which it discourages.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Category:
    term: str
    label: str


@dataclass
class Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    content: str  # HTML, written escaped by the template
    categories: list[Category] = field(default_factory=list)


@dataclass
class Feed:
    id: str
    title: str
    alternate: str
    self_link: str
    entries: list[Entry]
    subtitle: str = ""

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=EPOCH)


@bp.route("/feed/")
@pagecache.shows(POSTS)
def site():
    """The latest published posts."""
    posts = db.session.scalars(
        with_listing_data(published_posts(), bodies=True).limit(entry_limit())
    ).all()
    config = current_app.config
    return atom_response(
        Feed(
            id=tag_uri(FEED_ID_DATE, "posts"),
            title=config["SITE_TITLE"],
            subtitle=config["SITE_DESCRIPTION"] or config["SITE_TAGLINE"],
            alternate=url_for("posts.index", _external=True),
            self_link=url_for("feeds.site", _external=True),
            entries=[post_entry(post) for post in posts],
        )
    )


@bp.route("/tag/<slug>/feed/")
def tag(slug: str):
    """The latest published posts with one tag."""
    tag = tag_or_404(slug)
    select = published_posts().where(Post.tags.any(Tag.id == tag.id))
    posts = db.session.scalars(with_listing_data(select, bodies=True).limit(entry_limit())).all()
    return atom_response(
        Feed(
            id=tag_uri(FEED_ID_DATE, f"tag/{tag.id}"),
            title=_("Tag: %(tag)s", tag=tag.name) + f" – {current_app.config['SITE_TITLE']}",
            alternate=url_for("posts.tag", slug=tag.slug, _external=True),
            self_link=url_for("feeds.tag", slug=tag.slug, _external=True),
            entries=[post_entry(post) for post in posts],
        )
    )


@bp.route("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<slug>/feed/")
def post_comments(year: int, month: int, slug: str):
    """The approved comments of one published post, newest first."""
    pagecache.depends_on(post_topic(slug))
    post = (
        db.session.scalar(sa.select(Post).where(Post.slug == slug))
        if text.is_valid_slug(slug)
        else None
    )
    if post is None or not post.is_published:
        abort(404)
    if url_for("feeds.post_comments", year=year, month=month, slug=slug) != post_feed_url(post):
        return redirect(post_feed_url(post), 301)
    pagecache.depends_on(discussion_of(post.id))
    comments = db.session.scalars(
        without_private_details(sa.select(Comment))
        .where(Comment.post_id == post.id, Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(entry_limit())
    ).all()
    return atom_response(
        Feed(
            id=tag_uri(day(post.created_at), f"post/{post.id}/comments"),
            title=_("Comments on %(title)s", title=post.title)
            + f" – {current_app.config['SITE_TITLE']}",
            alternate=post_url(post, _external=True) + "#comments",
            self_link=post_feed_url(post, _external=True),
            entries=comment_entries([(comment, post) for comment in comments]),
        )
    )


@bp.route("/comments/feed/")
@pagecache.shows(POSTS, COMMENTS)
def comments():
    """The latest approved comments on published posts."""
    comments = db.session.scalars(
        without_private_details(sa.select(Comment))
        .join(Comment.post)
        .where(Comment.status == CommentStatus.APPROVED, published_posts().whereclause)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(entry_limit())
        .options(contains_eager(Comment.post))
    ).all()
    return atom_response(
        Feed(
            id=tag_uri(FEED_ID_DATE, "comments"),
            title=_("Comments") + f" – {current_app.config['SITE_TITLE']}",
            alternate=url_for("posts.index", _external=True),
            self_link=url_for("feeds.comments", _external=True),
            entries=comment_entries([(comment, comment.post) for comment in comments]),
        )
    )


def entry_limit() -> int:
    return max(0, int(current_app.config["FEED_ENTRIES"]))


def without_private_details(select: sa.Select) -> sa.Select:
    """Comments with their author's email and address left in the database.

    Reading either one raises, so no change to a feed can publish them.
    """
    return select.options(
        defer(Comment.author_email, raiseload=True), defer(Comment.author_ip, raiseload=True)
    )


def post_entry(post: Post) -> Entry:
    full = current_app.config["FEED_FULL_CONTENT"]
    return Entry(
        id=tag_uri(day(post.created_at), f"post/{post.id}"),
        title=post.title,
        link=post_url(post, _external=True),
        published=post.published_at,
        # A scheduled post goes live without being saved again: when it
        # appears is when it changed, for readers that only send If-Modified-Since.
        updated=max(post.updated_at, post.published_at),
        author=post.author.display_name,
        # str(): a Markup value would reach the XML unescaped.
        content=with_absolute_image_urls(
            str(post.body_html if full else post.excerpt_html), request.host_url
        ),
        categories=[Category(term=tag.slug, label=tag.name) for tag in post.tags],
    )


def comment_entries(items: list[tuple[Comment, Post]]) -> list[Entry]:
    # The comment's own permalink: unlike a ?cpage= link it stays right as the
    # discussion grows more pages, and feed readers keep links for good.
    return [
        Entry(
            id=tag_uri(day(comment.created_at), f"comment/{comment.id}"),
            title=_("%(author)s on %(post)s", author=comment.author_name, post=post.title),
            link=url_for("comments.permalink", comment_id=comment.id, _external=True),
            published=comment.created_at,
            updated=comment.created_at,
            author=comment.author_name,
            content=str(comment.body_html),
        )
        for comment, post in items
    ]


def tag_uri(date: str, specific: str) -> str:
    """``tag:HOST,DATE:SPECIFIC``: an id that outlives slugs, titles and URL schemes."""
    host = urlsplit("//" + request.host).hostname or "localhost"
    return f"tag:{host},{date}:{specific}"


def day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def atom_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 does not allow.

    Forms strip control characters today; rows written before that, or by
    other tools, may still hold them, and one would make the whole feed
    unreadable.
    """
    return INVALID_XML.sub("", value)


def atom_response(feed: Feed) -> Response:
    # Rendered without the context processors: a feed is the same for every
    # reader, so it must not read the session or the logged-in user.
    template = current_app.jinja_env.get_template("feeds/atom.xml")
    body = template.render(feed=feed, language=current_app.config["LANGUAGE"], atom_date=atom_date)
    # Every value in the document is text from the database or the settings;
    # the template adds none of these characters, so the whole is cleaned at once.
    response = Response(xml_text(body), content_type=CONTENT_TYPE)
    response.add_etag()
    response.last_modified = feed.updated
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)
