"""Posting a comment or a reply, and a comment's permalink.

The intake rules decide what is held (comments/rules.py); on any error the
post page is shown again with the text kept (posts.views.render_post_page).
"""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from blog.auth import client_address
from blog.comments.browser import remember_own_comment, store_details
from blog.comments.forms import CommentForm, ReaderCommentForm
from blog.comments.page import reply_target
from blog.comments.rules import comments_open, decide
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db, limiter
from blog.i18n import N_
from blog.mail import subscriptions
from blog.models import Comment, CommentStatus, Post
from blog.posts.views import render_post_page
from blog.urls import comment_url

bp = Blueprint("comments", __name__)

DUPLICATE = N_("Duplicate comment detected; it looks as though you’ve already said that!")
PARENT_GONE = N_("The comment you are replying to is no longer available.")


def rate_limit() -> str:
    # When the setting is empty rate_limit_off() exempts every request; the
    # limiter still wants a well-formed limit to parse.
    return current_app.config["COMMENT_RATE_LIMIT"] or "1 per second"


def rate_limit_off() -> bool:
    return not current_app.config["COMMENT_RATE_LIMIT"]


@bp.post("/posts/<id:post_id>/comments")
@limiter.limit(rate_limit, exempt_when=rate_limit_off)
@keeps_input_on_csrf_error
def create(post_id: int):
    """Post a comment or a reply; on any error show the post page with the text kept."""
    post = db.session.scalar(
        sa.select(Post)
        .where(Post.id == post_id)
        .options(selectinload(Post.author), selectinload(Post.tags))
    )
    if post is None or not post.is_published:
        abort(404)
    if not comments_open(post, current_app.config):
        abort(403, _("Comments are closed."))
    form = CommentForm() if current_user.is_authenticated else ReaderCommentForm()
    if not form.validate_on_submit():
        return render_post_page(post, form, 422)
    parent = reply_target(post, form.parent_id.data)
    if form.parent_id.data and parent is None:
        form.form_errors.append(_(PARENT_GONE))
        return render_post_page(post, form, 422)
    comment = new_comment(form, post, parent)
    already = sent_before(comment.form_nonce)
    if already is not None:
        return redirect(comment_url(already, post), 303)
    if is_duplicate(comment):
        form.form_errors.append(_(DUPLICATE))
        return render_post_page(post, form, 422)
    db.session.add(comment)
    if isinstance(form, ReaderCommentForm) and (form.notify.data or form.notify_all.data):
        subscriptions.ask(comment, post, whole_post=form.notify_all.data)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form, sent twice at once: the other request stored it.
        db.session.rollback()
        already = sent_before(comment.form_nonce)
        if already is None:
            raise
        return redirect(comment_url(already, post), 303)
    if comment.status != CommentStatus.APPROVED:
        remember_own_comment(comment.id)
    response = redirect(comment_url(comment, post), 303)
    if isinstance(form, ReaderCommentForm):
        store_details(response, form)
    return response


def new_comment(form: CommentForm, post: Post, parent: Comment | None) -> Comment:
    comment = Comment.reply_to(
        parent,
        post_id=post.id,
        author=current_user if current_user.is_authenticated else None,
        body=form.comment.data,
        author_ip=client_address(),
        form_nonce=form.nonce(),
    )
    comment.render()
    if not current_user.is_authenticated:
        comment.author_name = form.author.data
        comment.author_email = form.email.data
        comment.author_url = form.url.data or ""
        comment.status, comment.held_reason = decide(
            comment,
            current_app.config,
            honeypot=form.phone.data,
            seconds_to_fill=form.seconds_to_fill(),
        )
    return comment


def sent_before(nonce: str | None) -> Comment | None:
    if nonce is None:
        return None
    return db.session.scalar(sa.select(Comment).where(Comment.form_nonce == nonce))


def is_duplicate(comment: Comment) -> bool:
    same_author = (
        Comment.user_id == comment.user_id
        if comment.user_id
        else Comment.author_email == comment.author_email
    )
    select = sa.select(Comment.id).where(
        Comment.post_id == comment.post_id, Comment.body == comment.body, same_author
    )
    return db.session.scalar(select.limit(1)) is not None


@bp.get("/comments/<id:comment_id>/")
def permalink(comment_id: int):
    """A stable link to a comment: sends the reader to its page of the discussion."""
    comment = db.session.scalar(
        sa.select(Comment)
        .where(Comment.id == comment_id, Comment.status == CommentStatus.APPROVED)
        .options(selectinload(Comment.post))
    )
    if comment is None or not comment.post.is_published:
        abort(404)
    return redirect(comment_url(comment, comment.post), 301)
