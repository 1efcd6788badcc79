"""The author's posts: the dashboard, the editor and deletion, and the form ↔ post mapping."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog import revisions, roles, text
from blog.admin import summary
from blog.admin.blueprint import bp
from blog.admin.comments import LABELS, actions_for
from blog.admin.forms import PostForm, status_names
from blog.dates import site_zone, to_local
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.media import editor
from blog.models import Comment, CommentStatus, Post, PostKind, PostStatus, Tag, utcnow
from blog.pagination import page_arg, window
from blog.templating import local_datetime

DASHBOARD_POSTS_PER_PAGE = 50
SLUG_TAKEN = _l("Another post already uses this slug.")
# Form fields stored on the post as they are; the others are cleaned or looked up.
SAME_ON_POST = ("body", "status", "allow_comments")


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
        .where(roles.posts_visible_to(current_user))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    pagination = window(select, page_arg(), DASHBOARD_POSTS_PER_PAGE, rows=True)
    return render_template(
        "admin/dashboard.html",
        rows=pagination.items,
        pagination=pagination,
        counts=summary.counts(current_user),
        latest_comments=summary.latest_comments(current_user),
        actions_for=actions_for,
        labels=LABELS,
        status_names=status_names(),
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
    roles.require(roles.may_edit(current_user, post))
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
    was_live = post.is_published  # "Update" on the button: the notice says "Updated"
    form.status.data = form.chosen_status()
    if form.preview.data:
        preview = form_to_post(form, preview_copy(post), for_preview=True)
        revisions.autosave(post.id, author, form.typed_fields())  # without JS, Preview keeps it
        db.session.commit()
        return render_form(form, post, preview=preview)
    if form.slug.data and slug_taken(form.slug.data, post.id):
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, post)
    if not revisions.write_keeping_history(post, author, lambda: form_to_post(form, post)):
        form.slug.errors.append(SLUG_TAKEN)  # taken between our check and the write
        return render_form(form, post)
    db.session.commit()
    flash(saved_message(post, was_live), "success")
    return redirect(url_for("admin.edit_post", post_id=post.id))


def fill_form(form: PostForm, post: Post, author) -> None:
    """The stored post, or the author's autosave of it when they ask for it back."""
    if post.id is not None:
        form.fill_from(post, tags=", ".join(tag.name for tag in post.tags))
        form.allow_comments.data = post.allow_comments
    wanted = request.args.get("autosave", type=int)
    autosave = revisions.newer_autosave(post, author)
    if autosave is not None and autosave.id == wanted:
        form.fill_from(autosave, tags=autosave.tags)
        flash(_("Your unsaved text is back in the editor. Save it to keep it."), "info")


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
    form.published_at.description = _(
        "Optional, in the site's time zone (%(zone)s). A future date schedules the post.",
        zone=site_zone().key,
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
    roles.require(roles.may_edit(current_user, post))
    form = EmptyForm()
    if form.validate_on_submit():
        db.session.delete(post)
        db.session.commit()
        flash(_("Deleted “%(title)s”.", title=post.title), "success")
        return redirect(url_for("admin.dashboard"))
    return render_template("admin/delete_post.html", post=post, form=form)


# --- The post form and the post: slugs, tags, dates ---------------------------


def slug_taken(slug: str, post_id: int | None) -> bool:
    select = sa.select(Post.id).where(Post.slug == slug)
    if post_id is not None:
        select = select.where(Post.id != post_id)
    return db.session.scalar(select.limit(1)) is not None


def unique_slug(title: str, post_id: int | None) -> str:
    """A free slug made from ``title``: 'hello', then 'hello-2', 'hello-3'…"""
    base = text.slugify(title) or "post"
    slug, number = base, 1
    while slug_taken(slug, post_id):
        number += 1
        slug = f"{base}-{number}"
    return slug


def tags_named(names: list[str]) -> list[Tag]:
    """The tags with these names, creating the ones that do not exist yet."""
    wanted = {text.slugify(name): name for name in names}
    found = {
        tag.slug: tag for tag in db.session.scalars(sa.select(Tag).where(Tag.slug.in_(wanted)))
    }
    return [found.get(slug) or Tag(name=name, slug=slug) for slug, name in wanted.items()]


def preview_tags(names: list[str]) -> list[Tag]:
    """Unsaved tags, so that a preview never touches the session."""
    return [Tag(name=name, slug=text.slugify(name)) for name in names]


def preview_copy(post: Post) -> Post:
    """An unsaved stand-in for ``post``: its author and dates, as readers see them."""
    return Post(author=post.author, published_at=post.published_at, created_at=post.created_at)


def form_to_post(form: PostForm, post: Post, *, for_preview: bool = False) -> Post:
    """Copy the form onto ``post`` (a fresh one for a preview, so nothing is written)."""
    with db.session.no_autoflush:  # the look-ups below must not write a half-copied post
        return _copy_form(form, post, for_preview)


def _copy_form(form: PostForm, post: Post, for_preview: bool) -> Post:
    for name in SAME_ON_POST:
        form[name].populate_obj(post, name)
    post.title = form.title.data.strip()
    post.slug = form.slug.data or unique_slug(post.title, post.id)
    post.excerpt = (form.excerpt.data or "").strip()
    names = text.split_tags(form.tags.data or "")
    post.tags = preview_tags(names) if for_preview else tags_named(names)
    post.published_at = publish_date(form, post)
    if for_preview:
        post.created_at = post.created_at or utcnow()  # a new post has none until it is saved
        post.updated_at = utcnow()
        post.render()
    return post


def publish_date(form: PostForm, post: Post):
    if form.published_at.data is not None:
        return form.utc_published_at()
    if form.status.data == PostStatus.PUBLISHED:
        return post.published_at or utcnow()
    return None


def publish_label(form: PostForm, post: Post) -> str:
    """What the publishing button does with this post and this date."""
    if post.is_published:
        return _("Update")
    date = form.utc_published_at()
    return _("Schedule") if date is not None and date > utcnow() else _("Publish")


def draft_label(post: Post) -> str:
    return _("Switch to draft") if post.is_published or post.is_scheduled else _("Save draft")


def when(moment) -> str:
    """A date as the author reads it: in the site's time zone, which is named."""
    return _("%(date)s, %(zone)s", date=local_datetime(moment), zone=site_zone().key)


def publish_note(form: PostForm, post: Post) -> str:
    """What the publish date means, said in full under the field."""
    date = form.utc_published_at()
    if date is None:
        if post.published_at is not None and post.status == PostStatus.PUBLISHED:
            return _("Published on %(date)s.", date=when(post.published_at))
        return _("Empty: published the moment you press Publish.")
    if date > utcnow():
        return _("Will be published on %(date)s.", date=when(date))
    return _("Published on %(date)s.", date=when(date))


def saved_message(post: Post, was_live: bool) -> str:
    """The notice after a save: what happened, in the words of the button."""
    if post.status == PostStatus.DRAFT:
        return _("Saved draft “%(title)s”.", title=post.title)
    if post.is_scheduled:
        return _(
            "Scheduled “%(title)s” for %(date)s.", title=post.title, date=when(post.published_at)
        )
    if was_live:
        return _("Updated “%(title)s”.", title=post.title)
    return _("Published “%(title)s”.", title=post.title)
