"""The author's forms: the post editor, and editing or answering a comment."""

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


class PostForm(BlogForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to make one from the title.",
    )
    body = TextAreaField(
        "Body",
        validators=[DataRequired(), Length(max=POST_BODY_MAX_LENGTH)],
        description="Markdown.",
    )
    excerpt = TextAreaField(
        "Excerpt",
        validators=[Optional(), Length(max=1000)],
        description="Optional summary for lists and link previews.",
    )
    tags = StringField(
        "Tags", validators=[Optional(), Length(max=1000)], description="Separate with commas."
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice(PostStatus.DRAFT.value, "Draft"),
            SelectChoice(PostStatus.PUBLISHED.value, "Published"),
        ],
        default=PostStatus.DRAFT.value,
    )
    published_at = DateTimeLocalField(
        "Publish date",
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description="Optional. A future date schedules the post.",
    )
    allow_comments = BooleanField("Allow comments", default=True)
    # The buttons say what they do: each sets the status it names. A request
    # with neither (a script sending save=Save) saves with the Status field.
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish")  # "Schedule" or "Update": see posts.publish_label
    preview = SubmitField("Preview")

    def fill_from(self, source, tags: str) -> None:
        """The editor as a stored post or a revision has it, its date in the site's zone."""
        for name in EDITED_FIELDS:
            self[name].data = getattr(source, name)
        self.tags.data = tags
        if source.published_at is not None:
            self.published_at.data = to_local(source.published_at).replace(tzinfo=None)

    def utc_published_at(self):
        """The publish date typed in the form, as UTC, or None."""
        return None if self.published_at.data is None else from_local(self.published_at.data)

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
                "Use lowercase letters, digits and single hyphens only (e.g. my-first-post)."
            )

    def validate_tags(self, field) -> None:
        for name in text.split_tags(field.data or ""):
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(f"Keep each tag under {TAG_MAX_LENGTH} characters.")
            if not text.slugify(name):
                raise ValidationError(f"The tag “{name}” needs a letter or a digit.")


class CommentReplyForm(BlogForm):
    comment = TextAreaField("Your reply", validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField("Reply")


class CommentEditForm(BlogForm):
    author_name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    author_email = EmailField("Email", validators=[Optional(), Email(), Length(max=254)])
    author_url = StringField("Website", validators=[Optional(), Length(max=200), WebAddress()])
    comment = TextAreaField("Comment", validators=[DataRequired(), Length(max=10_000)])
    status = SelectField(
        "Status",
        choices=[SelectChoice(status, status.capitalize()) for status in
                 ("pending", "approved", "spam", "trash")],
    )  # fmt: skip
    save = SubmitField("Save")
