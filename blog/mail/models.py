"""The mail tables: the outbox, and readers' addresses and subscriptions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blog.extensions import db
from blog.models import Comment, Post, UTCDateTime, utcnow


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker (claimed_at says since when)
    SENT = "sent"
    FAILED = "failed"  # given up: shown in the admin


class OutboxMessage(db.Model):
    """One mail to send: written in the transaction of the change that causes it.

    The request stores what to say (``draft``: the template, its values and the
    links, as JSON); the worker composes and sends it (blog/mail/messages.py).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_kind_created_at", "kind", "created_at"),
        sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    draft: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class MailAddress(db.Model):
    """A reader's address that asked for mail: confirmed once, by the reader."""

    __tablename__ = "mail_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # The time of consent: the reader followed the confirmation mail's link.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # At most one confirmation mail a day, whoever types the address into a form.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<MailAddress {self.id}>"


class Subscription(db.Model):
    """An address wants to hear of the replies to one comment (or of the post's new comments)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mail_addresses.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    # Deleting the comment for good deletes this too (and blog/mail/events.py
    # does it for a comment kept as a placeholder for its replies).
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    # The reader's choice: every new comment on the post, not only replies to theirs.
    whole_post: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    address: Mapped[MailAddress] = relationship(lazy="raise")
    post: Mapped[Post] = relationship(lazy="raise")
    comment: Mapped[Comment] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Subscription {self.id}>"
