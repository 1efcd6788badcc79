"""The author's mail about new comments: one per comment, then a digest when they flood in."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from blog.extensions import db
from blog.mail import messages, outbox, settings
from blog.mail.models import OutboxMessage
from blog.models import Comment, CommentStatus, Post, Role, User, UserStatus, utcnow

REVIEW_ACTIONS = ("approve", "spam", "trash")


def wants_mail(comment: Comment) -> bool:
    """Per MAIL_AUTHOR_NOTIFY: held comments, or every reader's comment but spam."""
    choice = settings.author_notify(current_app.config)
    if comment.user_id is not None or choice == "off" or comment.status == CommentStatus.SPAM:
        return False
    return choice == "all" or comment.status == CommentStatus.PENDING


def author_recipients(comment: Comment) -> list[str]:
    """MAIL_TO, or else the addresses (given at /admin/profile) of those who may
    moderate the comment: the administrators and the post's own author."""
    may_moderate = sa.or_(
        User.role == Role.ADMINISTRATOR,
        User.id == sa.select(Post.author_id).where(Post.id == comment.post_id).scalar_subquery(),
    )
    return settings.author_recipients(current_app.config) or list(
        db.session.scalars(
            sa.select(User.email)
            .where(User.email != "", User.status == UserStatus.ACTIVE, may_moderate)
            .order_by(User.id)
        )
    )


def notify(comment: Comment) -> None:
    """Queue the author's mail about a new comment, within the burst allowance."""
    recipients = author_recipients(comment)
    if not recipients or not wants_mail(comment):
        return
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["MAIL_BURST_MINUTES"])
    recent = _queued_since(since)
    if recent.get("moderation", 0) < config["MAIL_BURST"]:
        for recipient in recipients:
            outbox.queue("moderation", _comment_mail(recipient, comment))
    elif not recent.get("digest"):
        for recipient in recipients:
            outbox.queue("digest", _digest_mail(recipient, since))


def _queued_since(since) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.kind, sa.func.count(OutboxMessage.id))
        .where(OutboxMessage.kind.in_(("moderation", "digest")), OutboxMessage.created_at >= since)
        .group_by(OutboxMessage.kind)
    )
    return dict(rows.all())


def _comment_mail(recipient: str, comment: Comment):
    post = db.session.get(Post, comment.post_id)
    held = comment.status == CommentStatus.PENDING
    # Queued while the reader's comment is posted: in the site's language, the author's too.
    if held:
        subject = _("Please moderate: “%(title)s”", title=post.title)
    else:
        subject = _("New comment on “%(title)s”", title=post.title)
    return messages.draft(
        recipient,
        subject,
        "author_comment",
        references=[messages.thread_id("post", post.id)],
        post={"title": post.title},
        comment={
            field: getattr(comment, field)
            for field in ("author_name", "author_email", "author_url", "author_ip", "body")
        },
        held=held,
        # The reason the intake rules recorded (blog/comments/rules.py: decide).
        reason=(comment.held_reason or _("The moderation rules held it.")) if held else "",
        review_links={
            action: url_for(
                "mail_admin.review", comment_id=comment.id, action=action, _external=True
            )
            for action in REVIEW_ACTIONS
        },
    )


def _digest_mail(recipient: str, since):
    config = current_app.config
    waiting = db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING)
    )
    return messages.draft(
        recipient,
        _("Many comments are waiting for moderation"),
        "author_digest",
        waiting=waiting,
        minutes=config["MAIL_BURST_MINUTES"],
        burst=config["MAIL_BURST"],
        queue_url=url_for("admin.comments", status="pending", _external=True),
    )
