"""What the author can do to comments: the status changes and permanent deletion."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from blog.extensions import db
from blog.models import Comment, CommentStatus

# action name -> (statuses it applies to, the status it sets; None = delete permanently)
ACTIONS: dict[str, tuple[frozenset[str], CommentStatus | None]] = {
    "approve": (frozenset({"pending", "spam", "trash"}), CommentStatus.APPROVED),
    "unapprove": (frozenset({"approved"}), CommentStatus.PENDING),
    "spam": (frozenset({"pending", "approved"}), CommentStatus.SPAM),
    "not-spam": (frozenset({"spam"}), CommentStatus.PENDING),
    "trash": (frozenset({"pending", "approved", "spam"}), CommentStatus.TRASH),
    "restore": (frozenset({"trash"}), CommentStatus.PENDING),
    "delete": (frozenset({"spam", "trash"}), None),
}
LABELS = {
    "approve": _l("Approve"),
    "unapprove": _l("Unapprove"),
    "spam": _l("Spam"),
    "not-spam": _l("Not spam"),
    "trash": _l("Trash"),
    "restore": _l("Restore"),
    "delete": _l("Delete permanently"),
}
TABS = ("pending", "approved", "spam", "trash")


def status_names() -> dict[str, str]:
    """A comment's status as the author reads it: tabs, the edit form's choices, the dashboard.

    In context: a status is not the button that sets it ("Trash" the tab, "Trash" the action).
    """
    return {
        "pending": pgettext("comment status", "Pending"),
        "approved": pgettext("comment status", "Approved"),
        "spam": pgettext("comment status", "Spam"),
        "trash": pgettext("comment status", "Trash"),
    }


def actions_for(status: str) -> list[str]:
    return [name for name, (sources, _) in ACTIONS.items() if status in sources]


def apply(action: str, comments: list[Comment]) -> int:
    """Apply ``action`` to the comments it fits; returns how many changed."""
    sources, target = ACTIONS[action]
    changed = [comment for comment in comments if comment.status in sources]
    # Newest first, so a reply deleted in the same batch frees its parent to go too.
    for comment in sorted(changed, key=lambda comment: comment.id, reverse=True):
        if target is None:
            delete_permanently(comment)
        else:
            comment.status = target
    db.session.commit()
    return len(changed)


def delete_permanently(comment: Comment) -> None:
    """Delete, or keep an anonymous placeholder when replies hang below it."""
    has_replies = db.session.scalar(
        sa.select(Comment.id).where(Comment.parent_id == comment.id).limit(1)
    )
    if has_replies is None:
        db.session.delete(comment)
        return
    comment.status = CommentStatus.REMOVED
    comment.author_name = comment.author_email = comment.author_url = comment.author_ip = ""
    comment.body = ""
    comment.user_id = None


def counts(visible: sa.ColumnElement[bool]) -> dict[str, int]:
    """Comments by status, of those ``visible`` (blog/roles.py: comments_visible_to)."""
    rows = db.session.execute(
        sa.select(Comment.status, sa.func.count(Comment.id)).where(visible).group_by(Comment.status)
    )
    found = dict(rows.all())
    return {tab: found.get(tab, 0) for tab in TABS}


def pending_count(visible: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING, visible)
    )
