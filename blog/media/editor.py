"""The post editor's side of pictures: upload an image, or insert one from the library.

Works without JavaScript: the editor's form has a file field and an Upload
button; the upload is checked and stored, and its Markdown is added at the
end of the body, with the rest of what the author typed kept as it was.
With JavaScript (static/js/media-upload.js), an image dropped or pasted into
the body is sent to /admin/media/upload and its Markdown put at the cursor.
"""

import re

from flask import current_app, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from blog.extensions import db
from blog.media import library
from blog.media.images import ImageRefused
from blog.models import MediaItem
from blog.pagination import row_id
from blog.text import clean_text

# The text fields around the file: the longest post body, with room to spare.
FORM_TEXT_ALLOWANCE = 1024 * 1024
_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")
NO_FILE = _l("Choose an image file to upload.")


class ImageUploadForm(FlaskForm):
    """Sent with the editor's own form (one CSRF token): only its Upload button reads it."""

    image = FileField(
        _l("Image"),
        description=_l("JPEG, PNG, WebP or GIF. Its Markdown is added at the end of the body."),
    )
    image_alt = StringField(
        _l("Alt text"),
        validators=[Length(max=500)],
        filters=[clean_text],
        description=_l("What the image shows, for readers who cannot see it."),
    )
    upload = SubmitField(_l("Upload"))


def accept_uploads() -> None:
    """Let the editor's request carry an image: call before anything reads the form."""
    request.max_content_length = current_app.config["MEDIA_MAX_BYTES"] + FORM_TEXT_ALLOWANCE


def upload_into(body) -> ImageUploadForm | None:
    """When the Upload button was pressed: store the image, add its Markdown to ``body``.

    Returns the upload form (with its errors, if refused), or None for any other button.
    """
    if request.method != "POST" or "upload" not in request.form:
        return None
    upload = ImageUploadForm()
    if (received := receive(upload)) is None:
        return upload
    item, alt = received
    append_markdown(body, library.markdown_for(item, alt))
    flash(
        _(
            "Added “%(name)s” at the end of the body. Save the post to keep it.",
            name=item.file_name,
        ),
        "success",
    )
    return ImageUploadForm(formdata=None)


def receive(upload: ImageUploadForm) -> tuple[MediaItem, str] | None:
    """The uploaded image, stored, and its alt text; or None, with the form's errors set."""
    if not upload.validate_on_submit():
        return None
    file = upload.image.data
    if not file or not file.filename:
        upload.image.errors.append(NO_FILE)
        return None
    alt = (upload.image_alt.data or "").strip()
    try:
        data = file.read(current_app.config["MEDIA_MAX_BYTES"] + 1)
        item = library.add_image(data, file.filename, alt, uploader_id=current_user.id)
    except ImageRefused as refusal:
        upload.image.errors.append(str(refusal))
        return None
    return item, alt or item.alt


def insert_from_library(body) -> None:
    """``?insert=ID`` (the library's "Insert into post"): that image's Markdown in the body."""
    item_id = row_id(request.args.get("insert", "")) if request.method == "GET" else None
    item = db.session.get(MediaItem, item_id) if item_id else None
    if item is not None:
        append_markdown(body, library.markdown_for(item, item.alt))


def append_markdown(body, markdown: str) -> None:
    text = (body.data or "").rstrip()
    body.data = f"{text}\n\n{markdown}\n" if text else f"{markdown}\n"


def images_without_alt(source: str | None) -> int:
    """How many images in a post's Markdown have an empty alt: the editor flags them."""
    return len(_IMAGE_WITHOUT_ALT.findall(source or ""))
