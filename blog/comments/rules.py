"""The rules that decide whether a new comment is shown, held or spam.

No third-party service: word lists, a link count, a honeypot, a time trap
and "hold until the author has one approved comment", each switchable.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

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


class Decision(NamedTuple):
    """The status a new comment starts with, and why it is not shown (empty when it is)."""

    status: CommentStatus
    reason: str = ""


def decide(
    comment: Comment, config: Mapping, *, honeypot: str, seconds_to_fill: float | None
) -> Decision:
    """The status a new comment from a reader starts with, and the rule that decided it.

    The reason is stored in the site's language (a reader's request speaks it),
    as the author reads it on the moderation screen and in mail.

    Only what no person does is spam: a filled honeypot, a forged form stamp,
    a disallowed word. A person can be fast (autofill, a pasted text), so the
    time trap holds the comment for the author to judge instead.
    """
    min_seconds = config["COMMENT_MIN_SECONDS"]
    if honeypot:
        return Decision(CommentStatus.SPAM, _("The hidden honeypot field was filled in."))
    if min_seconds > 0 and seconds_to_fill is None:
        return Decision(
            CommentStatus.SPAM, _("The form's signed time stamp was missing or forged.")
        )
    if contains_any(word_list(config["COMMENT_DISALLOWED_WORDS"]), comment):
        return Decision(CommentStatus.SPAM, _("It contains a disallowed word."))
    if min_seconds > 0 and seconds_to_fill < min_seconds:
        return Decision(
            CommentStatus.PENDING,
            # The stamp counts whole seconds: a fast sender may seem to be early.
            _(
                "Sent %(seconds)d s after the page was shown "
                "(the time trap expects at least %(minimum)s s).",
                seconds=round(max(seconds_to_fill, 0)),
                minimum=min_seconds,
            ),
        )
    if contains_any(word_list(config["COMMENT_MODERATION_WORDS"]), comment):
        return Decision(CommentStatus.PENDING, _("It contains a moderation word."))
    if text.count_links(comment.body_html) > config["COMMENT_MAX_LINKS"]:
        limit = config["COMMENT_MAX_LINKS"]
        return Decision(
            CommentStatus.PENDING,
            ngettext("It has more than %(num)d link.", "It has more than %(num)d links.", limit),
        )
    if config["COMMENT_HOLD_FIRST"] and not has_approved_comment(comment.author_email):
        return Decision(CommentStatus.PENDING, _("The first comment from this email address."))
    return Decision(CommentStatus.APPROVED)
