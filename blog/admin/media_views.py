"""The media library at /admin/media: every image, where it is used, its alt text."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from blog import roles
from blog.admin.blueprint import bp
from blog.extensions import csrf, db
from blog.forms import BlogForm, EmptyForm
from blog.media import editor, library
from blog.models import MediaItem, Post
from blog.pagination import page_arg, row_id, window

POSTS_TO_INSERT_INTO = 100  # the newest posts offered by "Insert into post"


class MediaAltForm(BlogForm):
    """One per item on the page, told apart by prefix: ids stay unique."""

    alt = StringField(_l("Alt text"), validators=[Length(max=500)])
    save = SubmitField(_l("Save alt text"))


def alt_form(item: MediaItem, **kwargs) -> MediaAltForm:
    return MediaAltForm(prefix=f"media-{item.id}", **kwargs)


@bp.route("/media")
def media():
    """The images, newest first, a page at a time."""
    select = (
        sa.select(MediaItem)
        .where(roles.media_visible_to(current_user))
        .order_by(MediaItem.created_at.desc(), MediaItem.id.desc())
    )
    pagination = window(select, page_arg(), current_app.config["MEDIA_PER_PAGE"])
    posts = db.session.execute(
        sa.select(Post.id, Post.title)
        .where(roles.posts_visible_to(current_user))
        .order_by(Post.created_at.desc())
        .limit(POSTS_TO_INSERT_INTO)
    ).all()
    return render_template(
        "admin/media.html",
        pagination=pagination,
        used=library.posts_using(pagination.items),
        alt_forms={item.id: alt_form(item, formdata=None, obj=item) for item in pagination.items},
        posts=posts,
        megabytes=library.megabytes,
        form=EmptyForm(),
    )


@bp.post("/media/<id:item_id>/alt")
def media_alt(item_id: int):
    """Change the alt text offered when the image is inserted into a post."""
    item = db.get_or_404(MediaItem, item_id)
    roles.require(roles.may_manage_media(current_user, item))
    form = alt_form(item)
    if form.validate_on_submit():
        item.alt = (form.alt.data or "").strip()
        db.session.commit()
        flash(_("Saved the alt text of “%(name)s”.", name=item.file_name), "success")
    else:
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
    return back_to_library()


@bp.post("/media/<id:item_id>/delete")
def delete_media(item_id: int):
    """Delete an image and its files, unless a post still shows it."""
    item = db.get_or_404(MediaItem, item_id)
    roles.require(roles.may_manage_media(current_user, item))
    if EmptyForm().validate_on_submit():
        name = item.file_name
        if users := library.delete(item):
            titles = ", ".join(f"“{title}”" for __, title in users)
            flash(
                _("“%(name)s” is used by %(titles)s: remove it from there first.",
                  name=name, titles=titles),
                "error",
            )  # fmt: skip
        else:
            flash(_("Deleted “%(name)s”.", name=name), "success")
    return back_to_library()


@bp.post("/media/upload")
@csrf.exempt  # the upload form checks the token, once the larger body limit is set
def upload_media():
    """An image dropped or pasted into the editor (static/js/media-upload.js): its Markdown."""
    editor.accept_uploads()
    upload = editor.ImageUploadForm()
    if (received := editor.receive(upload)) is None:
        return {"errors": [error for errors in upload.errors.values() for error in errors]}, 422
    item, alt = received
    return {"markdown": library.markdown_for(item, alt), "file_name": item.file_name}


@bp.route("/media/<id:item_id>/insert")
def insert_media(item_id: int):
    """ "Insert into post": open the chosen post (or a new one) with the image's Markdown added."""
    db.get_or_404(MediaItem, item_id)
    post_id = row_id(request.args.get("post", ""))
    if post_id is None:
        return redirect(url_for("admin.new_post", insert=item_id))
    return redirect(url_for("admin.edit_post", post_id=post_id, insert=item_id))


def back_to_library():
    page = row_id(request.args.get("page", ""))
    return redirect(url_for("admin.media", page=page if page and page > 1 else None))
