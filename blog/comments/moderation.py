"""The rules that decide whether a new comment is shown, held or spam.

No third-party service: word lists, a link count, a honeypot, a time trap
and "hold until the author has one approved comment", each switchable.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta

import sqlalchemy as sa

from blog import text
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, utcnow


def comments_open(post: Post, config: Mapping) -> bool:
    """Open unless switched off for the post or closed by age."""
    if not (post.allow_comments and post.is_published):
        return False
    days = config["COMMENT_CLOSE_AFTER_DAYS"]
    return not days or post.published_at + timedelta(days=days) > utcnow()


def word_list(setting: str | Iterable[str]) -> list[str]:
    """A word list from config: a list, or a string separated by commas or newlines."""
    items = re.split(r"[,\n]", setting) if isinstance(setting, str) else setting
    return [word.strip().casefold() for word in items if word and word.strip()]


def contains_any(words: list[str], comment: Comment) -> bool:
    haystack = " ".join(
        (comment.body, comment.author_name, comment.author_email, comment.author_url,
         comment.author_ip)
    ).casefold()  # fmt: skip
    return any(word in haystack for word in words)


def has_approved_comment(email: str) -> bool:
    select = sa.select(Comment.id).where(
        Comment.author_email == email, Comment.status == CommentStatus.APPROVED
    )
    return db.session.scalar(select.limit(1)) is not None


def decide(
    comment: Comment, config: Mapping, *, honeypot: str, seconds_to_fill: float | None
) -> CommentStatus:
    """The status a new comment from a reader starts with."""
    min_seconds = config["COMMENT_MIN_SECONDS"]
    too_fast = min_seconds > 0 and (seconds_to_fill is None or seconds_to_fill < min_seconds)
    if honeypot or too_fast or contains_any(word_list(config["COMMENT_DISALLOWED_WORDS"]), comment):
        return CommentStatus.SPAM
    if (
        contains_any(word_list(config["COMMENT_MODERATION_WORDS"]), comment)
        or text.count_links(comment.body_html) > config["COMMENT_MAX_LINKS"]
        or (config["COMMENT_HOLD_FIRST"] and not has_approved_comment(comment.author_email))
    ):
        return CommentStatus.PENDING
    return CommentStatus.APPROVED
