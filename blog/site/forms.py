"""The forms of the site's own admin screens: settings, pages, the menu."""

import re
from functools import cache
from zoneinfo import available_timezones

from limits import parse_many
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from blog import text
from blog.admin.forms import PostForm
from blog.cli import MIN_PASSWORD_LENGTH
from blog.comments.threads import DEEPEST_NESTING
from blog.forms import BlogForm
from blog.site import menu, pages

# A language tag as HTML's lang wants it: "en", "fr-CA", "zh-Hant".
LANGUAGE_TAG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")
WORD_LISTS = ("COMMENT_MODERATION_WORDS", "COMMENT_DISALLOWED_WORDS")


def whole_number(label: str, low: int, high: int, description: str = "") -> IntegerField:
    # A text input: what was typed ("many") is shown back as typed, which a
    # type="number" input may not hold in valid HTML.
    return IntegerField(
        label,
        widget=TextInput(),
        render_kw={"inputmode": "numeric"},
        validators=[
            InputRequired(f"Please give a whole number from {low} to {high}."),
            NumberRange(low, high, f"Please give a whole number from {low} to {high}."),
        ],
        description=description,
    )


def word_list(label: str, description: str) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=10_000)], description=description)


class SettingsForm(BlogForm):
    """One field per editable setting, named after its config key in lower case."""

    site_title = StringField("Site title", validators=[DataRequired(), Length(max=200)])
    site_tagline = StringField("Tagline", validators=[Length(max=200)])
    site_description = TextAreaField(
        "Description",
        validators=[Length(max=500)],
        description="For search engines and the feed; the tagline if empty.",
    )
    posts_per_page = whole_number("Posts per page", 1, 100)
    time_zone = StringField(
        "Time zone",
        validators=[DataRequired(), Length(max=64)],
        description="A name such as UTC, Europe/Paris or America/New_York.",
    )
    language = StringField(
        "Language",
        validators=[DataRequired(), Length(max=35)],
        description="The language tag of the site's pages, such as en, fr or pt-BR.",
    )
    feed_full_content = BooleanField("Feeds carry whole posts (not only excerpts)")
    comment_hold_first = BooleanField("Hold a comment until its author has one approved comment")
    comment_max_links = whole_number(
        "Links allowed in a comment", 0, 100, "A comment with more links is held."
    )
    comment_moderation_words = word_list("Hold comments containing", "One word or phrase a line.")
    comment_disallowed_words = word_list(
        "Mark as spam comments containing", "One word or phrase a line."
    )
    comment_min_seconds = whole_number(
        "Minimum seconds to write a comment",
        0,
        3600,
        "A comment sent faster from the page is treated as spam (0 = off).",
    )
    comment_rate_limit = StringField(
        "Comments per address",
        validators=[Length(max=100)],
        description="Such as “5 per minute” or “20 per hour”; empty = no limit.",
    )
    comment_max_depth = whole_number("Deepest reply level", 1, DEEPEST_NESTING)
    comment_close_after_days = whole_number(
        "Close comments after days", 0, 36_500, "0 = never close automatically."
    )
    comment_threads_per_page = whole_number("Comment threads per page", 1, 500)
    comment_default_page = SelectField(
        "Long discussions open at",
        choices=[
            SelectChoice("newest", "The newest comments"),
            SelectChoice("oldest", "The oldest comments"),
        ],
    )
    save = SubmitField("Save settings")

    def validate_time_zone(self, field) -> None:
        if field.data not in available_zones():
            raise ValidationError(
                f"“{field.data}” is not a time zone. Use a name such as UTC or Europe/Paris."
            )

    def validate_language(self, field) -> None:
        field.data = (field.data or "").strip()
        if not LANGUAGE_TAG.fullmatch(field.data):
            raise ValidationError("Use a language tag such as en, fr or pt-BR.")

    def validate_comment_rate_limit(self, field) -> None:
        field.data = (field.data or "").strip()
        try:
            field.data and parse_many(field.data)
        except ValueError:
            raise ValidationError(
                "Write it as a number per second, minute, hour or day, such as “5 per minute”."
            ) from None

    @classmethod
    def for_values(cls, values: dict) -> "SettingsForm":
        """The form filled from the settings now in force (on a POST: from what was sent)."""
        data = {key.lower(): value for key, value in values.items()}
        for key in WORD_LISTS:
            words = values[key]  # a list, or (from the environment) a string
            data[key.lower()] = "\n".join(words) if isinstance(words, list) else words
        return cls(data=data)

    def values(self) -> dict:
        """What was sent, as config values (word lists as lists)."""
        values = {field.name.upper(): field.data for field in self
                  if field.name not in ("csrf_token", "save")}  # fmt: skip
        for key in WORD_LISTS:
            if key in values:
                values[key] = [word.strip() for word in values[key].split("\n") if word.strip()]
        return values


@cache
def available_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class PageForm(PostForm):
    """The post editor's fields, less tags and dates, plus the page's place."""

    tags = None
    published_at = None
    excerpt = None
    parent_id = SelectField("Parent page", coerce=int, description="Its address is under it.")
    menu_order = IntegerField(
        "Order",
        widget=TextInput(),
        render_kw={"inputmode": "numeric"},
        validators=[NumberRange(-9999, 9999, "Please give a whole number from -9999 to 9999.")],
        default=0,
        description="Among pages with the same parent: lower numbers first.",
    )
    allow_comments = BooleanField("Allow comments", default=False)

    def validate(self, extra_validators=None) -> bool:
        """Also refuse a top-level slug (typed, or made from the title) that a route has."""
        if not super().validate(extra_validators):
            return False
        slug = self.slug.data or text.slugify(self.title.data or "")
        if not self.parent_id.data and slug and pages.is_reserved(slug):
            self.slug.errors.append(pages.RESERVED.format(slug=slug))
            return False
        return True


class AddMenuItemForm(BlogForm):
    target = SelectField("Link to")  # choices: blog/site/menu_views.py
    label = StringField(
        "Label", validators=[Length(max=100)], description="Leave empty to use the page’s title."
    )
    url = StringField(
        "Address",
        validators=[Length(max=500)],
        description="Only for “Another address”: https://… or a path such as /2024/.",
    )
    add = SubmitField("Add to the menu")

    def validate_url(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.target.data != "url":
            return
        if not field.data:
            raise ValidationError("Please give the address to link to.")
        if not menu.is_web_address(field.data):
            raise ValidationError("Use an address starting with https:// or http://, or with /.")

    def validate_label(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.target.data == "url" and not field.data:
            raise ValidationError("Please give the link a label.")


class RenameMenuItemForm(BlogForm):
    label = StringField("Label", validators=[DataRequired(), Length(max=100)])
    rename = SubmitField("Rename")


class ProfileForm(BlogForm):
    display_name = StringField(
        "Display name",
        validators=[DataRequired(), Length(max=100)],
        description="Shown with your posts and replies.",
    )
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=254)])
    new_password = PasswordField(
        "New password",
        validators=[
            Optional(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=f"Please use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
        description=f"Leave empty to keep yours. At least {MIN_PASSWORD_LENGTH} characters; "
        "every other session of yours then ends.",
    )
    confirm_password = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "The two new passwords differ.")],
    )
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Type your current password to save these changes.")],
    )
    save = SubmitField("Save profile")
