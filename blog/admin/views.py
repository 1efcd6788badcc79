import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from blog import revisions
from blog.admin import moderation, summary
from blog.admin.blueprint import bp
from blog.admin.editing import (
    SLUG_TAKEN,
    draft_label,
    form_to_post,
    post_to_form,
    preview_copy,
    publish_label,
    publish_note,
    revision_to_form,
    saved_message,
    slug_taken,
    typed_fields,
)
from blog.admin.forms import PostForm
from blog.dates import site_zone, to_local
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.media import editor
from blog.models import Comment, CommentStatus, Post, PostKind, utcnow
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
    return render_template(
        "admin/dashboard.html",
        rows=pagination.items,
        pagination=pagination,
        counts=summary.counts(),
        latest_comments=summary.latest_comments(),
        actions_for=moderation.actions_for,
        labels=moderation.LABELS,
        form=EmptyForm(),
    )


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
    editor.accept_uploads()
    form = PostForm()
    author = current_user._get_current_object()
    if not form.is_submitted():
        fill_form(form, post, author)
    editor.insert_from_library(form.body)
    if (upload := editor.upload_into(form.body)) is not None:
        return render_form(form, post, upload=upload)
    if not form.validate_on_submit():
        return render_form(form, post)
    label = publish_label(form, post)
    form.status.data = form.chosen_status()
    if form.preview.data:
        preview = form_to_post(form, preview_copy(post), for_preview=True)
        revisions.autosave(post.id, author, typed_fields(form))  # without JS, Preview keeps it
        db.session.commit()
        return render_form(form, post, preview=preview)
    if form.slug.data and slug_taken(form.slug.data, post.id):
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, post)
    previous = revisions.stored_version(post) if post.id is not None else None
    form_to_post(form, post)
    db.session.add(post)
    try:  # the revision statements flush the post: a slug taken meanwhile shows up here
        if previous is not None:
            revisions.keep_previous(post, previous)
        revisions.forget_autosaves(post.id, author)
        db.session.commit()
    except IntegrityError:
        # Another request took the slug between our check and the commit.
        db.session.rollback()
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, post)
    flash(saved_message(post, label), "success")
    return redirect(url_for("admin.edit_post", post_id=post.id))


def fill_form(form: PostForm, post: Post, author) -> None:
    """The stored post, or the author's autosave of it when they ask for it back."""
    if post.id is not None:
        post_to_form(post, form)
    wanted = request.args.get("autosave", type=int)
    autosave = revisions.newer_autosave(post, author)
    if autosave is not None and autosave.id == wanted:
        revision_to_form(autosave, form)
        flash("Your unsaved text is back in the editor. Save it to keep it.", "info")


def offered_autosave(form: PostForm, post: Post):
    """An autosave newer than the post, unless it is already in the editor."""
    if form.is_submitted():
        return None
    autosave = revisions.newer_autosave(post, current_user)
    wanted = request.args.get("autosave", type=int)
    return None if autosave is None or autosave.id == wanted else autosave


def render_form(form: PostForm, post: Post, preview: Post | None = None, upload=None):
    upload = upload or editor.ImageUploadForm(formdata=None)
    status = 200 if not (form.errors or upload.errors) else 422
    form.publish.label.text = publish_label(form, post)
    form.save_draft.label.text = draft_label(post)
    form.published_at.description = (
        f"Optional, in the site's time zone ({site_zone().key}). A future date schedules the post."
    )
    page = render_template(
        "admin/edit_post.html",
        form=form,
        post=post,
        preview=preview,
        upload=upload,
        autosave=offered_autosave(form, post),
        publish_note=publish_note(form, post),
        site_now=to_local(utcnow()).strftime("%Y-%m-%dT%H:%M"),
        site_zone=site_zone().key,
    )
    return page, status


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
