"""Changing users: roles, disabling, removing, and one-time setup links.

Every change that could leave the blog without an administrator who can log
in is refused with ``LastAdministrator``; the check locks the administrators'
rows first, so two administrators demoting each other at once cannot both succeed.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from blog.extensions import db
from blog.models import MediaItem, Post, Role, User, UserStatus, utcnow
from blog.revisions import PostRevision, RevisionKind

SETUP_LINK_HOURS = 48


class LastAdministrator(Exception):
    """The change would leave no enabled administrator; the message says so."""


def other_active_administrators(user: User) -> int:
    """The administrators other than ``user`` who can log in, counted under a lock.

    The no-op UPDATE takes the write lock on SQLite (its first write of the
    transaction, see blog/database.py; SELECT … FOR UPDATE means nothing there)
    and the administrators' row locks on PostgreSQL, ``user``'s own included:
    a second check waits for the first change's commit and then sees it. It
    goes through the connection so the page cache does not count it a change.
    """
    can_log_in = (
        User.role == Role.ADMINISTRATOR,
        User.status == UserStatus.ACTIVE,
        User.password_hash.is_not(None),  # a setup link not used yet may expire unused
    )
    db.session.connection().execute(
        sa.update(User.__table__).where(*can_log_in).values(role=User.__table__.c.role)
    )
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(*can_log_in, User.id != user.id)
    )


def keep_an_administrator(user: User) -> None:
    """Refuse to take ``user`` out of the administrators if they are the last one."""
    if user.is_administrator and user.is_active and not other_active_administrators(user):
        raise LastAdministrator(
            _(
                "%(name)s is the last administrator who can log in: make another user an "
                "administrator first, so the blog is never left without one.",
                name=user.display_name,
            )
        )


def change_role(user: User, role: str) -> None:
    if role != Role.ADMINISTRATOR:
        keep_an_administrator(user)
    user.role = role


def disable(user: User) -> None:
    """No more logins, and every session of theirs ends now."""
    keep_an_administrator(user)
    user.status = UserStatus.DISABLED
    forget_setup_link(user)
    user.end_sessions()


def enable(user: User) -> None:
    user.status = UserStatus.ACTIVE


def owned_posts(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(Post.id)).where(Post.author_id == user.id))


def remove(user: User, heir: User | None) -> None:
    """Remove ``user``: their posts and pages go to ``heir``, or stay under their name.

    Kept posts need their author's row: it stays, as a removed user who can
    never log in again (no password, no email, no sessions), and only their
    name is left, on those posts. A user with no posts (left) is deleted.
    """
    keep_an_administrator(user)
    if heir is not None:
        given = sa.update(Post).where(Post.author_id == user.id).values(author_id=heir.id)
        db.session.execute(given)
    db.session.execute(
        sa.update(MediaItem).where(MediaItem.uploader_id == user.id).values(uploader_id=None)
    )
    # Their unsaved text is theirs alone: nobody else is offered it.
    db.session.execute(
        sa.delete(PostRevision).where(
            PostRevision.author_id == user.id, PostRevision.kind == RevisionKind.AUTOSAVE
        )
    )
    if owned_posts(user):
        user.status = UserStatus.REMOVED
        user.password_hash = None
        user.email = ""
        forget_setup_link(user)
        user.end_sessions()
    else:
        db.session.delete(user)


# One-time setup links ---------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_setup_link(user: User) -> str:
    """A new token for ``user`` (any earlier one stops working); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    user.setup_token_hash = token_hash(token)
    user.setup_expires_at = utcnow() + timedelta(hours=SETUP_LINK_HOURS)
    return token


def forget_setup_link(user: User) -> None:
    user.setup_token_hash = user.setup_expires_at = None


def user_for_setup_token(token: str) -> User | None:
    """The enabled user this unexpired token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(User).where(
            User.setup_token_hash == token_hash(token),
            User.setup_expires_at > utcnow(),
            User.status == UserStatus.ACTIVE,
        )
    )


def use_setup_token(user: User, token: str, password: str) -> bool:
    """Set the password, once: of two requests with the same token only one succeeds."""
    used = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.setup_token_hash == token_hash(token))
        .values(setup_token_hash=None, setup_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(user)
    user.set_password(password)
    db.session.commit()
    return True
