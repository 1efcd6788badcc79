"""The author's forms: the post editor, and editing or answering a comment."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from blog import text
from blog.comments.forms import WebAddress
from blog.dates import from_local, to_local
from blog.forms import BlogForm
from blog.models import POST_BODY_MAX_LENGTH, PostStatus

TAG_MAX_LENGTH = 64
# Named and meaning the same on the editor, a post and a revision.
EDITED_FIELDS = ("title", "slug", "body", "excerpt", "status")


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


class PostForm(BlogForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Slug"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to make one from the title."),
    )
    body = TextAreaField(
        _l("Body"),
        validators=[DataRequired(), Length(max=POST_BODY_MAX_LENGTH)],
        description=_l("Markdown."),
    )
    excerpt = TextAreaField(
        _l("Excerpt"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Optional summary for lists and link previews."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separate with commas."),
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(PostStatus.DRAFT.value, _l("Draft")),
            SelectChoice(PostStatus.PUBLISHED.value, _l("Published")),
        ],
        default=PostStatus.DRAFT.value,
    )
    published_at = DateTimeLocalField(
        _l("Publish date"),
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description=_l("Optional. A future date schedules the post."),
    )
    allow_comments = BooleanField(_l("Allow comments"), default=True)
    # The buttons say what they do: each sets the status it names. A request
    # with neither (a script sending save=Save) saves with the Status field.
    save_draft = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Publish"))  # "Schedule" or "Update": see posts.publish_label
    preview = SubmitField(_l("Preview"))

    def fill_from(self, source, tags: str) -> None:
        """The editor as a stored post or a revision has it, its date in the site's zone."""
        for name in EDITED_FIELDS:
            self[name].data = getattr(source, name)
        self.tags.data = tags
        if source.published_at is not None:
            self.published_at.data = to_local(source.published_at).replace(tzinfo=None)

    def utc_published_at(self):
        """The publish date typed in the form, as UTC, or None (also for one no date can hold)."""
        if self.published_at.data is None:
            return None
        try:
            return from_local(self.published_at.data)
        except OverflowError:  # year 1 or 9999 moved into year 0 or 10000
            return None

    def validate_published_at(self, field) -> None:
        if field.data is not None and self.utc_published_at() is None:
            raise ValidationError(_("Please give a date between the years 2 and 9998."))

    def typed_fields(self) -> dict:
        """What the author has typed, as an autosave keeps it (nothing is checked or looked up)."""
        return {
            "title": (self.title.data or "")[:200],
            "slug": (self.slug.data or "")[:200],
            "body": self.body.data or "",
            "excerpt": self.excerpt.data or "",
            "tags": self.tags.data or "",
            "status": self.status.data or PostStatus.DRAFT.value,
            "published_at": self.utc_published_at(),
        }

    def chosen_status(self) -> str:
        if self.save_draft.data:
            return PostStatus.DRAFT.value
        if self.publish.data:
            return PostStatus.PUBLISHED.value
        return self.status.data

    def validate_slug(self, field) -> None:
        field.data = (field.data or "").strip()
        if field.data and not text.is_valid_slug(field.data):
            raise ValidationError(
                _("Use lowercase letters, digits and single hyphens only (e.g. my-first-post).")
            )

    def validate_tags(self, field) -> None:
        for name in text.split_tags(field.data or ""):
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(
                    _("Keep each tag under %(count)d characters.", count=TAG_MAX_LENGTH)
                )
            if not text.slugify(name):
                raise ValidationError(_("The tag “%(name)s” needs a letter or a digit.", name=name))


class CommentReplyForm(BlogForm):
    comment = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField(_l("Reply"))


class CommentEditForm(BlogForm):
    author_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    author_email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    author_url = StringField(_l("Website"), validators=[Optional(), Length(max=200), WebAddress()])
    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=10_000)])
    status = SelectField(
        _l("Status"),
        choices=lambda: list(status_names().items()),
    )
    save = SubmitField(_l("Save"))
