"""Who may do what: the one policy every admin view and the public Edit links ask.

Administrators may do everything. Authors write, edit, publish and delete
their own posts and pages (and their revisions), upload images and change or
delete their own, moderate the comments on their own posts and pages, and
edit their own profile; the settings, the menu, the users and the mail
outbox are the administrators' alone.

Routes open to a whole role carry ``administrators_only``; a view that acts
on one object calls ``require(...)``, which answers 404 for another's object,
so an author learns nothing of another's drafts. Lists filter with the
``*_visible_to`` clauses, so an author sees only what they may act on.
"""

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blog.extensions import db
from blog.models import Comment, MediaItem, Post, Role

NOT_FOR_AUTHORS = _l("Only an administrator may open this page.")


def is_administrator(user) -> bool:
    return bool(user.is_authenticated) and user.role == Role.ADMINISTRATOR


def may_edit(user, post: Post) -> bool:
    """Change, publish, delete a post or page, and see or restore its revisions.

    Public pages that show the answer (an Edit link) are personal, never stored
    by the page cache (blog/pagecache/policy.py), so a reader never gets one.
    """
    if not user.is_authenticated or post.id is None:
        return False
    return is_administrator(user) or post.author_id == user.id


def may_moderate(user, comment: Comment) -> bool:
    """Approve, edit, answer or delete a comment: on a post the user may edit."""
    if is_administrator(user):
        return True
    if not user.is_authenticated:
        return False
    return db.session.scalar(sa.select(Post.author_id).where(Post.id == comment.post_id)) == user.id


def may_manage_media(user, item: MediaItem) -> bool:
    """Change the alt text of an image or delete it (every author may insert any)."""
    if is_administrator(user):
        return True
    return bool(user.is_authenticated) and item.uploader_id == user.id


def own_post_ids(user) -> sa.ScalarSelect:
    return sa.select(Post.id).where(Post.author_id == user.id).scalar_subquery()


def posts_visible_to(user) -> sa.ColumnElement[bool]:
    """The posts and pages a list shows this user: all, or their own."""
    return sa.true() if is_administrator(user) else Post.author_id == user.id


def comments_visible_to(user) -> sa.ColumnElement[bool]:
    """The comments the moderation screens and counts show this user."""
    return sa.true() if is_administrator(user) else Comment.post_id.in_(own_post_ids(user))


def media_visible_to(user) -> sa.ColumnElement[bool]:
    return sa.true() if is_administrator(user) else MediaItem.uploader_id == user.id


def require(allowed: bool) -> None:
    """Refuse another's object as if it did not exist."""
    if not allowed:
        abort(404)


def administrators_only(view):
    """A route for administrators: an author is refused with 403 and a plain message."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not is_administrator(current_user):
            abort(403, NOT_FOR_AUTHORS)
        return view(*args, **kwargs)

    return guarded
