import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from blog.admin import bp
from blog.admin.editing import (
    SLUG_TAKEN,
    form_to_post,
    post_to_form,
    preview_copy,
    slug_taken,
)
from blog.admin.forms import PostForm
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Comment, CommentStatus, Post, PostKind
from blog.pagination import page_arg, window

DASHBOARD_POSTS_PER_PAGE = 50


@bp.route("/")
def dashboard():
    """The posts, newest first, a page at a time, with status and approved comments."""
    approved = (
        sa.select(sa.func.count(Comment.id))
        .where(Comment.post_id == Post.id, Comment.status == CommentStatus.APPROVED)
        .correlate(Post)
        .scalar_subquery()
    )
    select = (
        sa.select(Post, approved)
        .where(Post.kind == PostKind.POST)  # pages have their own list (blog/site/)
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    pagination = window(select, page_arg(), DASHBOARD_POSTS_PER_PAGE, rows=True)
    return render_template("admin/dashboard.html", rows=pagination.items, pagination=pagination)


@bp.route("/posts/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new_post():
    """Write a post."""
    return edit_form(Post(author=current_user._get_current_object()))


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_post(post_id: int):
    """Change a post."""
    post = db.get_or_404(
        Post, post_id, options=[selectinload(Post.tags), selectinload(Post.author)]
    )
    if post.is_page:
        return redirect(url_for("site.edit_page", page_id=post.id))
    return edit_form(post)


def edit_form(post: Post):
    form = PostForm()
    if not form.is_submitted() and post.id is not None:
        post_to_form(post, form)
    if not form.validate_on_submit():
        return render_form(form, post)
    if form.preview.data:
        preview = form_to_post(form, preview_copy(post), for_preview=True)
        return render_form(form, post, preview=preview)
    if form.slug.data and slug_taken(form.slug.data, post.id):
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, post)
    form_to_post(form, post)
    db.session.add(post)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request took the slug between our check and the commit.
        db.session.rollback()
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, post)
    flash(f"Saved “{post.title}”.", "success")
    return redirect(url_for("admin.edit_post", post_id=post.id))


def render_form(form: PostForm, post: Post, preview: Post | None = None):
    status = 200 if not form.errors else 422
    return render_template("admin/edit_post.html", form=form, post=post, preview=preview), status


@bp.route("/posts/<id:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int):
    """Ask, then delete a post (the deletion itself is a POST)."""
    post = db.get_or_404(Post, post_id)
    form = EmptyForm()
    if form.validate_on_submit():
        db.session.delete(post)
        db.session.commit()
        flash(f"Deleted “{post.title}”.", "success")
        return redirect(url_for("admin.dashboard"))
    return render_template("admin/delete_post.html", post=post, form=form)
