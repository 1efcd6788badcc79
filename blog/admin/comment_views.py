"""The moderation screen: tabs by status, row and bulk actions, edit and reply."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog import roles
from blog.admin import bp, moderation
from blog.admin.forms import CommentEditForm, CommentReplyForm
from blog.comments.views import comment_url
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Comment, CommentStatus
from blog.pagination import page_arg, row_id

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
    return tab if tab in moderation.TABS else "pending"


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
        counts=moderation.counts(roles.comments_visible_to(current_user)),
        actions=moderation.actions_for(tab),
        labels=moderation.LABELS,
        status_names=moderation.status_names(),
        captions=CAPTIONS,
        empty=EMPTY_TABS,
        form=EmptyForm(),
    )


@bp.post("/comments/<id:comment_id>/<action>")
def moderate(comment_id: int, action: str):
    """One action on one comment."""
    if action not in moderation.ACTIONS:
        abort(404)
    comment = db.get_or_404(Comment, comment_id)
    roles.require(roles.may_moderate(current_user, comment))
    if EmptyForm().validate_on_submit():
        done = moderation.apply(action, [comment])
        flash(done_message(action, done), "success")
    return back_to_tab(current_tab())


@bp.post("/comments/bulk")
def bulk_moderate():
    """One action on every ticked comment."""
    action = request.form.get("action", "")
    ids = [row_id(value) for value in request.form.getlist("ids") if row_id(value)]
    if action not in moderation.ACTIONS or not ids:
        flash(_("Tick some comments and choose an action."), "error")
    elif EmptyForm().validate_on_submit():
        # Each id is checked: another author's comments among them are left alone.
        mine = roles.comments_visible_to(current_user)
        selected = db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids), mine)).all()
        done = moderation.apply(action, list(selected))
        flash(done_message(action, done), "success")
    return back_to_tab(current_tab())


def done_message(action: str, done: int) -> str:
    """The notice after an action, in the words of its button ("Approve: 3 comments.")."""
    label = moderation.LABELS[action]
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
        reply = Comment(
            post_id=parent.post_id,
            parent_id=parent.id,
            root_id=parent.root_id or parent.id,
            user_id=current_user.id,
            author_name=current_user.display_name,
            body=form.comment.data,
            status=CommentStatus.APPROVED,
        )
        db.session.add(reply)
        db.session.commit()
        flash(_("Reply published."), "success")
        return redirect(comment_url(reply, post))
    status = 422 if form.errors else 200
    return render_template("admin/reply_comment.html", form=form, parent=parent), status
