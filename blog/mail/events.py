"""What makes mail: comments written, held and approved, seen as the session flushes.

Listening to the session rather than calling from each view means every way
a comment is posted or approved (the form, the moderation screen, bulk
actions, the author's reply, editing) queues its mail in the same
transaction, and none can forget to. Only changes made in a request mail
anyone: imports and other commands do not.
"""

import sqlalchemy as sa
from flask import current_app, has_request_context

from blog.extensions import db
from blog.mail import author, settings, subscriptions
from blog.mail.models import Subscription
from blog.models import Comment, CommentStatus

PENDING_KEY = "mail_pending"
REMOVED_KEY = "mail_removed_comments"


def _became_approved(comment: Comment, is_new: bool) -> bool:
    if comment.status != CommentStatus.APPROVED:
        return False
    history = sa.inspect(comment).attrs.status.history
    return is_new or (history.has_changes() and CommentStatus.APPROVED not in history.deleted)


@sa.event.listens_for(db.session, "after_flush")
def _note_comment_changes(session, flush_context) -> None:
    """Remember which comments arrived or were approved; the mail is made after the flush."""
    removed = [
        c.id for c in session.dirty if isinstance(c, Comment) and c.status == CommentStatus.REMOVED
    ]
    if removed:  # deleted for good but kept as a placeholder: its subscribers hear no more
        session.info.setdefault(REMOVED_KEY, []).extend(removed)
    if not has_request_context() or not settings.enabled(current_app.config):
        return
    noted = session.info.setdefault(PENDING_KEY, [])
    for comment in session.new:
        if isinstance(comment, Comment):
            noted.append(("new", comment))
            if _became_approved(comment, True):
                noted.append(("approved", comment))
    for comment in session.dirty:
        if isinstance(comment, Comment) and _became_approved(comment, False):
            noted.append(("approved", comment))


@sa.event.listens_for(db.session, "after_flush_postexec")
def _queue_mail(session, flush_context) -> None:
    """Queue the mail; the commit that is flushing writes these rows too."""
    if removed := session.info.pop(REMOVED_KEY, []):
        session.execute(sa.delete(Subscription).where(Subscription.comment_id.in_(removed)))
    noted = session.info.pop(PENDING_KEY, [])
    for change, comment in noted:
        if change == "new":
            author.notify(comment)
        else:
            subscriptions.notify_approved(comment)
