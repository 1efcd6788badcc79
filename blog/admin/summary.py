"""The dashboard's summary: what waits for the author, and the latest comments."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, utcnow

LATEST_COMMENTS = 5


def counts() -> dict[str, int]:
    drafts, scheduled = db.session.execute(
        sa.select(
            sa.func.count().filter(Post.status == PostStatus.DRAFT),
            sa.func.count().filter(
                Post.status == PostStatus.PUBLISHED, Post.published_at > utcnow()
            ),
        )
    ).one()
    return {"drafts": drafts, "scheduled": scheduled, "pending": pending_count()}


def latest_comments() -> list[Comment]:
    """The newest comments that are shown or waiting: what the author answers first."""
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.status.in_([CommentStatus.PENDING, CommentStatus.APPROVED]))
            .options(selectinload(Comment.post))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(LATEST_COMMENTS)
        )
    )


def pending_count() -> int:
    """Held comments: the dashboard's count and the number in the author's navigation."""
    return db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING)
    )
