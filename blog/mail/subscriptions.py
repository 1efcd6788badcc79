"""Readers' reply notifications: double opt-in, one confirmation a day, one-click unsubscribe."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from blog.extensions import db
from blog.mail import messages, outbox, settings
from blog.mail.models import MailAddress, Subscription
from blog.models import Comment, CommentStatus, Post, utcnow

CONFIRMATION_INTERVAL = timedelta(days=1)  # whatever anyone types into the form
CONFIRM_LINK_DAYS = 7


def normalized(email: str) -> str:
    return email.strip().lower()


def ask(comment: Comment, post: Post, whole_post: bool = False) -> None:
    """The comment's author ticked "Notify me": subscribe them, asking first if need be.

    To the replies to their comment, or (``whole_post``) to every new comment on the post.

    Part of the comment's transaction. Nothing is mailed for a comment judged
    spam, and an address that has not confirmed gets one confirmation a day
    at most: nobody can mail-bomb a stranger through the form.
    """
    if not settings.enabled(current_app.config) or comment.status == CommentStatus.SPAM:
        return
    email = normalized(comment.author_email)
    try:
        messages.recipient(email)
    except messages.BadRecipient:
        return
    address = _locked_address(email)
    db.session.add(
        Subscription(address=address, post_id=post.id, comment=comment, whole_post=whole_post)
    )
    now = utcnow()
    if address.confirmed_at is not None or (
        address.confirmation_sent_at and address.confirmation_sent_at > now - CONFIRMATION_INTERVAL
    ):
        return
    address.confirmation_sent_at = now
    confirm_url = url_for("mail.confirm", token=confirm_token(email), _external=True)
    with messages.in_site_language():
        subject = _("Please confirm: notifications about “%(title)s”", title=post.title)
    draft = messages.draft(
        email, subject, "confirm", post={"title": post.title}, confirm_url=confirm_url
    )
    outbox.queue("confirmation", draft)


def _locked_address(email: str) -> MailAddress:
    """The address's row, created if need be, locked until this transaction ends.

    Two comments from one address at once: the insert that loses does nothing
    (no error page), and the lock makes the second wait and see the first's
    confirmation, so the one-a-day rule holds. On the connection, not the
    session: the comment must not be flushed before the view's commit.
    """
    insert = _insert_for(db.session.connection().dialect.name)
    row = {"email": email, "created_at": utcnow()}
    db.session.connection().execute(insert(MailAddress).values(row).on_conflict_do_nothing())
    with db.session.no_autoflush:
        return db.session.scalar(
            sa.select(MailAddress).where(MailAddress.email == email).with_for_update()
        )


def _insert_for(dialect: str):
    if dialect == "postgresql":
        return postgresql.insert
    return sqlite.insert


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mail-confirm")


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def confirm_token(email: str) -> str:
    return _confirm_serializer().dumps(email)


def address_for_confirm_token(token: str) -> MailAddress | None:
    try:
        email = _confirm_serializer().loads(token, max_age=CONFIRM_LINK_DAYS * 24 * 3600)
    except BadSignature:
        return None
    if not isinstance(email, str):
        return None
    return db.session.scalar(sa.select(MailAddress).where(MailAddress.email == email))


def confirm(address: MailAddress) -> None:
    if address.confirmed_at is None:
        address.confirmed_at = utcnow()


def unsubscribe_token(subscription: Subscription) -> str:
    # The address itself too: once a forgotten address's id is used again, an old
    # link must not reach its new owner.
    email = db.session.get(MailAddress, subscription.address_id).email
    return _unsubscribe_serializer().dumps([subscription.address_id, subscription.id, email])


def unsubscribe_target(token: str) -> tuple[int, int] | None:
    """The (address id, subscription id) a link names, or None for a link we never made."""
    try:
        value = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3):
        return None
    address_id, subscription_id, email = value
    if not (type(address_id) is int and type(subscription_id) is int and isinstance(email, str)):
        return None
    address = db.session.get(MailAddress, address_id)
    if address is None or address.email != email:
        return None
    return address_id, subscription_id


def unsubscribe(address_id: int, subscription_id: int, everything: bool) -> None:
    """Stop this thread's mail, or all of it (the address must then confirm again)."""
    chosen = Subscription.address_id == address_id
    if not everything:
        chosen = sa.and_(chosen, Subscription.id == subscription_id)
    db.session.execute(sa.delete(Subscription).where(chosen))
    if everything:
        db.session.execute(
            sa.update(MailAddress).where(MailAddress.id == address_id).values(confirmed_at=None)
        )


def notify_approved(comment: Comment) -> None:
    """An approved comment: one mail to each confirmed subscriber it concerns.

    Those who follow the comment it answers, and those who follow the whole
    post; never its own author. The mail shows the author's name, never their
    address. Threaded per post, so a mail client groups a post's mails.
    """
    follows = Subscription.whole_post
    if comment.parent_id is not None:
        follows = sa.or_(follows, Subscription.comment_id == comment.parent_id)
    subscriptions = db.session.scalars(
        sa.select(Subscription)
        .join(Subscription.address)
        .where(
            Subscription.post_id == comment.post_id,
            follows,
            Subscription.comment_id != comment.id,
            MailAddress.confirmed_at.is_not(None),
            MailAddress.email != normalized(comment.author_email or ""),
        )
        .order_by(Subscription.whole_post)  # a reply to you says so, rather than "new comment"
        .options(selectinload(Subscription.address), selectinload(Subscription.post))
    ).all()
    seen = set()
    for subscription in subscriptions:
        if subscription.address_id not in seen:
            seen.add(subscription.address_id)
            outbox.queue("reply", _notification(subscription, comment))


def _notification(subscription: Subscription, comment: Comment) -> dict:
    post = subscription.post
    to_you = subscription.comment_id == comment.parent_id
    with messages.in_site_language():  # approved in the admin, which may speak another
        if to_you:
            subject = _("New reply to your comment on “%(title)s”", title=post.title)
        else:
            subject = _("New comment on “%(title)s”", title=post.title)
    references = [messages.thread_id("post", post.id)]
    if comment.parent_id is not None:
        references.append(messages.thread_id("comment", comment.parent_id))
    return messages.draft(
        subscription.address.email,
        subject,
        "reply",
        references=references,
        unsubscribe_url=url_for(
            "mail.unsubscribe", token=unsubscribe_token(subscription), _external=True
        ),
        to_you=to_you,
        post={"title": post.title},
        reply={
            "author_name": comment.author_name,
            "body": comment.body,
            "body_html": comment.body_html,
        },
        reply_url=url_for("comments.permalink", comment_id=comment.id, _external=True),
    )


def forget_unused_addresses() -> None:
    """Addresses with nothing to hear about go once the one-a-day limit no longer needs them."""
    cutoff = utcnow() - CONFIRMATION_INTERVAL
    has_subscription = sa.exists().where(Subscription.address_id == MailAddress.id)
    db.session.execute(
        sa.delete(MailAddress).where(
            ~has_subscription,
            sa.or_(MailAddress.confirmation_sent_at.is_(None),
                   MailAddress.confirmation_sent_at < cutoff),
        )
    )  # fmt: skip
    db.session.commit()
