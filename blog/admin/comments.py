"""The moderation screen: tabs by status, row and bulk actions, edit and reply; the actions."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog import roles
from blog.admin.blueprint import bp
from blog.admin.forms import CommentEditForm, CommentReplyForm, status_names
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Comment, CommentStatus
from blog.pagination import page_arg, row_id
from blog.urls import comment_url

COMMENTS_PER_PAGE = 50
CAPTIONS = {
    "pending": _l("Pending comments"),
    "approved": _l("Approved comments"),
    "spam": _l("Spam comments"),
    "trash": _l("Trash comments"),
}
EMPTY_TABS = {
    "pending": _l("No pending comments."),
    "approved": _l("No approved comments."),
    "spam": _l("No spam comments."),
    "trash": _l("No trash comments."),
}


def current_tab() -> str:
    tab = request.values.get("status", "pending")
    return tab if tab in TABS else "pending"


def back_to_tab(tab: str):
    return redirect(url_for("admin.comments", status=tab))


@bp.route("/comments")
def comments():
    """Comments of one status, newest first."""
    tab = current_tab()
    select = (
        sa.select(Comment)
        .where(Comment.status == tab, roles.comments_visible_to(current_user))
        .options(selectinload(Comment.post), selectinload(Comment.parent))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return render_template(
        "admin/comments.html",
        tab=tab,
        pagination=db.paginate(select, page=page_arg(), per_page=COMMENTS_PER_PAGE),
        counts=counts(roles.comments_visible_to(current_user)),
        actions=actions_for(tab),
        labels=LABELS,
        status_names=status_names(),
        captions=CAPTIONS,
        empty=EMPTY_TABS,
        form=EmptyForm(),
    )


@bp.post("/comments/<id:comment_id>/<action>")
def moderate(comment_id: int, action: str):
    """One action on one comment."""
    if action not in ACTIONS:
        abort(404)
    comment = db.get_or_404(Comment, comment_id)
    roles.require(roles.may_moderate(current_user, comment))
    if EmptyForm().validate_on_submit():
        done = apply(action, [comment])
        db.session.commit()
        flash(done_message(action, done), "success")
    return back_to_tab(current_tab())


@bp.post("/comments/bulk")
def bulk_moderate():
    """One action on every ticked comment."""
    action = request.form.get("action", "")
    ids = [row_id(value) for value in request.form.getlist("ids") if row_id(value)]
    if action not in ACTIONS or not ids:
        flash(_("Tick some comments and choose an action."), "error")
    elif EmptyForm().validate_on_submit():
        # Each id is checked: another author's comments among them are left alone.
        mine = roles.comments_visible_to(current_user)
        selected = db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids), mine)).all()
        done = apply(action, list(selected))
        db.session.commit()
        flash(done_message(action, done), "success")
    return back_to_tab(current_tab())


def done_message(action: str, done: int) -> str:
    """The notice after an action, in the words of its button ("Approve: 3 comments.")."""
    label = LABELS[action]
    return ngettext(
        "%(action)s: %(num)d comment.", "%(action)s: %(num)d comments.", done, action=label
    )


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_comment(comment_id: int):
    """Correct a comment: its text, its author's details or its status."""
    comment = db.get_or_404(Comment, comment_id)
    roles.require(roles.may_moderate(current_user, comment))
    if comment.status == CommentStatus.REMOVED:
        abort(404)
    form = CommentEditForm(obj=comment, comment=comment.body)
    if form.validate_on_submit():
        comment.author_name = form.author_name.data
        comment.author_email = form.author_email.data or ""
        comment.author_url = form.author_url.data or ""
        comment.body = form.comment.data
        comment.status = form.status.data
        db.session.commit()
        flash(_("Comment saved."), "success")
        return back_to_tab(comment.status)
    status = 422 if form.errors else 200
    return render_template("admin/edit_comment.html", form=form, comment=comment), status


@bp.route("/comments/<id:comment_id>/reply", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def reply_to_comment(comment_id: int):
    """Answer a comment as the author; a held comment is approved by the answer."""
    parent = db.get_or_404(Comment, comment_id, options=[selectinload(Comment.post)])
    roles.require(roles.may_moderate(current_user, parent))
    if parent.status not in (CommentStatus.PENDING, CommentStatus.APPROVED):
        abort(404)
    form = CommentReplyForm()
    if form.validate_on_submit():
        post = parent.post  # loaded now: the commit below expires the parent
        parent.status = CommentStatus.APPROVED
        reply = Comment.reply_to(
            parent, post_id=parent.post_id, author=current_user, body=form.comment.data
        )
        db.session.add(reply)
        db.session.commit()
        flash(_("Reply published."), "success")
        return redirect(comment_url(reply, post))
    status = 422 if form.errors else 200
    return render_template("admin/reply_comment.html", form=form, parent=parent), status


# --- What the author can do to comments: status changes, permanent deletion ----

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


def actions_for(status: str) -> list[str]:
    return [name for name, (sources, _) in ACTIONS.items() if status in sources]


def apply(action: str, comments: list[Comment]) -> int:
    """Apply ``action`` to the comments it fits; returns how many changed (the view commits)."""
    sources, target = ACTIONS[action]
    changed = [comment for comment in comments if comment.status in sources]
    # Newest first, so a reply deleted in the same batch frees its parent to go too.
    for comment in sorted(changed, key=lambda comment: comment.id, reverse=True):
        if target is None:
            delete_permanently(comment)
        else:
            comment.status = target
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
