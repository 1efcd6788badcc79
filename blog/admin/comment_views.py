"""The moderation screen: tabs by status, row and bulk actions, edit and reply."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog.admin import moderation
from blog.admin.blueprint import bp
from blog.admin.forms import CommentEditForm, CommentReplyForm
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Comment, CommentStatus
from blog.pagination import page_arg, row_id
from blog.urls import comment_url

COMMENTS_PER_PAGE = 50


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
        .where(Comment.status == tab)
        .options(selectinload(Comment.post), selectinload(Comment.parent))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return render_template(
        "admin/comments.html",
        tab=tab,
        pagination=db.paginate(select, page=page_arg(), per_page=COMMENTS_PER_PAGE),
        counts=moderation.counts(),
        actions=moderation.actions_for(tab),
        labels=moderation.LABELS,
        form=EmptyForm(),
    )


@bp.post("/comments/<id:comment_id>/<action>")
def moderate(comment_id: int, action: str):
    """One action on one comment."""
    if action not in moderation.ACTIONS:
        abort(404)
    comment = db.get_or_404(Comment, comment_id)
    if EmptyForm().validate_on_submit():
        done = moderation.apply(action, [comment])
        flash(f"{moderation.LABELS[action]}: {done} comment{'s' if done != 1 else ''}.", "success")
    return back_to_tab(current_tab())


@bp.post("/comments/bulk")
def bulk_moderate():
    """One action on every ticked comment."""
    action = request.form.get("action", "")
    ids = [row_id(value) for value in request.form.getlist("ids") if row_id(value)]
    if action not in moderation.ACTIONS or not ids:
        flash("Tick some comments and choose an action.", "error")
    elif EmptyForm().validate_on_submit():
        selected = db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids))).all()
        done = moderation.apply(action, list(selected))
        flash(f"{moderation.LABELS[action]}: {done} comment{'s' if done != 1 else ''}.", "success")
    return back_to_tab(current_tab())


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_comment(comment_id: int):
    """Correct a comment: its text, its author's details or its status."""
    comment = db.get_or_404(Comment, comment_id)
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
        flash("Comment saved.", "success")
        return back_to_tab(comment.status)
    status = 422 if form.errors else 200
    return render_template("admin/edit_comment.html", form=form, comment=comment), status


@bp.route("/comments/<id:comment_id>/reply", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def reply_to_comment(comment_id: int):
    """Answer a comment as the author; a held comment is approved by the answer."""
    parent = db.get_or_404(Comment, comment_id, options=[selectinload(Comment.post)])
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
        flash("Reply published.", "success")
        return redirect(comment_url(reply, post))
    status = 422 if form.errors else 200
    return render_template("admin/reply_comment.html", form=form, parent=parent), status
