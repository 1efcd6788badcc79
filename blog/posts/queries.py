"""The queries behind the reader's pages."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import defer, selectinload

from blog import pagecache, text
from blog.extensions import db
from blog.models import (
    TAG_PAGES,
    Comment,
    CommentStatus,
    Post,
    Tag,
    User,
    post_tags,
    published_posts,
    tag_topic,
)
from blog.pagination import window

# What a list never shows: the whole body in its three forms. Reading one of
# them from a listed post raises instead of quietly querying once a post.
LISTING_SKIPS = (
    defer(Post.body, raiseload=True),
    defer(Post.body_html, raiseload=True),
    defer(Post.body_text, raiseload=True),
)


def with_listing_data(select: sa.Select, bodies: bool = False) -> sa.Select:
    """Load what a post entry shows (excerpt, author's name, tags) in a fixed number of
    queries; the bodies only when asked (feeds carry whole posts)."""
    return select.options(
        *(() if bodies else LISTING_SKIPS),
        selectinload(Post.author).load_only(User.display_name),
        selectinload(Post.tags),
    )


def home_page(page: int, per_page: int):
    return window(with_listing_data(published_posts()), page, per_page)


def tag_page(tag: Tag, page: int, per_page: int):
    select = published_posts().where(Post.tags.any(Tag.id == tag.id))
    return window(with_listing_data(select), page, per_page)


def post_by_slug(slug: str) -> Post | None:
    return db.session.scalar(
        sa.select(Post)
        .where(Post.slug == slug)
        .options(selectinload(Post.author), selectinload(Post.tags))
    )


def post_with_tags(post_id: int) -> Post | None:
    return db.session.scalar(
        sa.select(Post).where(Post.id == post_id).options(selectinload(Post.tags))
    )


def neighbours(post: Post) -> tuple[Post | None, Post | None]:
    """The published posts just before and after ``post``."""
    if not post.is_published:
        return None, None
    key = sa.tuple_(Post.published_at, Post.id)
    here = sa.tuple_(sa.literal(post.published_at, Post.published_at.type), sa.literal(post.id))
    older = published_posts().where(key < here).limit(1)
    newer = (
        published_posts()
        .where(key > here)
        .order_by(None)
        .order_by(Post.published_at, Post.id)
        .limit(1)
    )
    return db.session.scalar(older), db.session.scalar(newer)


def month_range(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of a month and of the next, in UTC."""
    start = datetime(year, month, 1, tzinfo=UTC)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, following


def archive_page(year: int, month: int | None, page: int, per_page: int):
    start, end = month_range(year, month or 1)
    if month is None:
        end = datetime(year + 1, 1, 1, tzinfo=UTC)
    select = published_posts().where(Post.published_at >= start, Post.published_at < end)
    return window(with_listing_data(select), page, per_page)


def archive_months() -> list[tuple[int, int, int]]:
    """(year, month, published posts) for every month with a post, newest first."""
    year = sa.extract("year", Post.published_at)
    month = sa.extract("month", Post.published_at)
    select = (
        published_posts()
        .order_by(None)
        .with_only_columns(year, month, sa.func.count(Post.id))
        .group_by(year, month)
        .order_by(year.desc(), month.desc())
    )
    return [(int(y), int(m), count) for y, m, count in db.session.execute(select)]


def published_tag_ids() -> sa.Select:
    return (
        sa.select(post_tags.c.tag_id)
        .join(Post, Post.id == post_tags.c.post_id)
        .where(Post.is_published)
    )


def tags_with_counts() -> list[tuple[Tag, int]]:
    """Tags that have published posts, with how many, by name."""
    counts = (
        sa.select(post_tags.c.tag_id, sa.func.count().label("posts"))
        .join(Post, Post.id == post_tags.c.post_id)
        .where(Post.is_published)
        .group_by(post_tags.c.tag_id)
        .subquery()
    )
    select = sa.select(Tag, counts.c.posts).join(counts, counts.c.tag_id == Tag.id)
    return [tuple(row) for row in db.session.execute(select.order_by(Tag.name))]


def recent_posts(limit: int = 5) -> list[Post]:
    return list(db.session.scalars(published_posts().limit(limit)))


def recent_comments(limit: int = 5) -> list[tuple[int, str, Post]]:
    """(comment id, commenter name, post) of the newest approved comments on visible posts."""
    select = (
        sa.select(Comment.id, Comment.author_name, Post)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.status == CommentStatus.APPROVED,
            Post.is_published,
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(select)]


def related_posts(post: Post, limit: int = 3) -> list[Post]:
    """Published posts sharing the most tags with ``post``, then the newest."""
    if not post.tags:
        return []
    shared = sa.func.count(post_tags.c.tag_id)
    select = (
        published_posts()
        .join(post_tags, post_tags.c.post_id == Post.id)
        .where(post_tags.c.tag_id.in_([tag.id for tag in post.tags]), Post.id != post.id)
        .group_by(Post.id)
        .order_by(None)
        .order_by(shared.desc(), Post.published_at.desc(), Post.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(select))


def tag_or_404(slug: str) -> Tag:
    """The tag of a tag page or feed; its pages depend on it even while it does not exist."""
    if not text.is_valid_slug(slug):
        abort(404)
    pagecache.depends_on(TAG_PAGES, tag_topic(slug))
    return db.first_or_404(sa.select(Tag).where(Tag.slug == slug))
