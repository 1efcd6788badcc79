"""The queries behind the reader's pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from blog.extensions import db
from blog.models import Post, Tag, published_posts


def with_listing_data(select: sa.Select) -> sa.Select:
    """Load what a post entry shows (author and tags) in a fixed number of queries."""
    return select.options(selectinload(Post.author), selectinload(Post.tags))


def home_page(page: int, per_page: int):
    return db.paginate(with_listing_data(published_posts()), page=page, per_page=per_page)


def tag_page(tag: Tag, page: int, per_page: int):
    select = published_posts().where(Post.tags.any(Tag.id == tag.id))
    return db.paginate(with_listing_data(select), page=page, per_page=per_page)


def post_by_slug(slug: str) -> Post | None:
    return db.session.scalar(
        sa.select(Post)
        .where(Post.slug == slug)
        .options(selectinload(Post.author), selectinload(Post.tags))
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
