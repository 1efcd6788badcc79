"""The dashboard's summary: what waits for the author, and the latest comments."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from blog import roles
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, utcnow

LATEST_COMMENTS = 5


def counts(user) -> dict[str, int]:
    """What waits for ``user``: of their own posts and comments unless an administrator."""
    drafts, scheduled = db.session.execute(
        sa.select(
            sa.func.count().filter(Post.status == PostStatus.DRAFT),
            sa.func.count().filter(
                Post.status == PostStatus.PUBLISHED, Post.published_at > utcnow()
            ),
        ).where(roles.posts_visible_to(user))
    ).one()
    pending = pending_count(roles.comments_visible_to(user))
    return {"drafts": drafts, "scheduled": scheduled, "pending": pending}


def latest_comments(user) -> list[Comment]:
    """The newest comments that are shown or waiting: what the author answers first."""
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.status.in_([CommentStatus.PENDING, CommentStatus.APPROVED]))
            .where(roles.comments_visible_to(user))
            .options(selectinload(Comment.post))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(LATEST_COMMENTS)
        )
    )


def pending_count(visible: sa.ColumnElement[bool]) -> int:
    """Held comments of those ``visible``: the dashboard's count and the author's navigation's."""
    return db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING, visible)
    )
