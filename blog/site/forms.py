"""The forms of the site's own admin screens: settings, pages, the menu."""

import re
from functools import cache
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
            InputRequired(
                _l("Please give a whole number from %(low)d to %(high)d.", low=low, high=high)
            ),
            NumberRange(
                low,
                high,
                _l("Please give a whole number from %(low)d to %(high)d.", low=low, high=high),
            ),
        ],
        description=description,
    )


def word_list(label: str, description: str) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=10_000)], description=description)


class SettingsForm(BlogForm):
    """One field per editable setting, named after its config key in lower case."""

    site_title = StringField(_l("Site title"), validators=[DataRequired(), Length(max=200)])
    site_tagline = StringField(_l("Tagline"), validators=[Length(max=200)])
    site_description = TextAreaField(
        _l("Description"),
        validators=[Length(max=500)],
        description=_l("For search engines and the feed; the tagline if empty."),
    )
    posts_per_page = whole_number(_l("Posts per page"), 1, 100)
    time_zone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("A name such as UTC, Europe/Paris or America/New_York."),
    )
    language = StringField(
        _l("Language"),
        validators=[DataRequired(), Length(max=35)],
        description=_l("The language tag of the site's pages, such as en, fr or pt-BR."),
    )
    feed_full_content = BooleanField(_l("Feeds carry whole posts (not only excerpts)"))
    comment_hold_first = BooleanField(
        _l("Hold a comment until its author has one approved comment")
    )
    comment_max_links = whole_number(
        _l("Links allowed in a comment"), 0, 100, _l("A comment with more links is held.")
    )
    comment_moderation_words = word_list(
        _l("Hold comments containing"), _l("One word or phrase a line.")
    )
    comment_disallowed_words = word_list(
        _l("Mark as spam comments containing"), _l("One word or phrase a line.")
    )
    comment_min_seconds = whole_number(
        _l("Minimum seconds to write a comment"),
        0,
        3600,
        _l("A comment sent faster from the page is treated as spam (0 = off)."),
    )
    comment_rate_limit = StringField(
        _l("Comments per address"),
        validators=[Length(max=100)],
        description=_l("Such as “5 per minute” or “20 per hour”; empty = no limit."),
    )
    comment_max_depth = whole_number(_l("Deepest reply level"), 1, DEEPEST_NESTING)
    comment_close_after_days = whole_number(
        _l("Close comments after days"), 0, 36_500, _l("0 = never close automatically.")
    )
    comment_threads_per_page = whole_number(_l("Comment threads per page"), 1, 500)
    comment_default_page = SelectField(
        _l("Long discussions open at"),
        choices=[
            SelectChoice("newest", _l("The newest comments")),
            SelectChoice("oldest", _l("The oldest comments")),
        ],
    )
    save = SubmitField(_l("Save settings"))

    def validate_time_zone(self, field) -> None:
        if field.data not in available_zones():
            raise ValidationError(
                _(
                    "“%(zone)s” is not a time zone. Use a name such as UTC or Europe/Paris.",
                    zone=field.data,
                )
            )

    def validate_language(self, field) -> None:
        field.data = (field.data or "").strip()
        if not LANGUAGE_TAG.fullmatch(field.data):
            raise ValidationError(_("Use a language tag such as en, fr or pt-BR."))

    def validate_comment_rate_limit(self, field) -> None:
        field.data = (field.data or "").strip()
        try:
            field.data and parse_many(field.data)
        except ValueError:
            raise ValidationError(
                _("Write it as a number per second, minute, hour or day, such as “5 per minute”.")
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
    parent_id = SelectField(
        _l("Parent page"), coerce=int, description=_l("Its address is under it.")
    )
    menu_order = IntegerField(
        _l("Order"),
        widget=TextInput(),
        render_kw={"inputmode": "numeric"},
        validators=[
            NumberRange(
                -9999,
                9999,
                _l("Please give a whole number from %(low)d to %(high)d.", low=-9999, high=9999),
            )
        ],
        default=0,
        description=_l("Among pages with the same parent: lower numbers first."),
    )
    allow_comments = BooleanField(_l("Allow comments"), default=False)

    def validate(self, extra_validators=None) -> bool:
        """Also refuse a top-level slug (typed, or made from the title) that a route has."""
        if not super().validate(extra_validators):
            return False
        slug = self.slug.data or text.slugify(self.title.data or "")
        if not self.parent_id.data and slug and pages.is_reserved(slug):
            self.slug.errors.append(
                _("This slug is taken by one of the blog’s own addresses (/%(slug)s/); "
                  "choose another.", slug=slug)
            )  # fmt: skip
            return False
        return True


class AddMenuItemForm(BlogForm):
    target = SelectField(_l("Link to"))  # choices: blog/site/menu_views.py
    label = StringField(
        _l("Label"),
        validators=[Length(max=100)],
        description=_l("Leave empty to use the page’s title."),
    )
    url = StringField(
        _l("Address"),
        validators=[Length(max=500)],
        description=_l("Only for “Another address”: https://… or a path such as /2024/."),
    )
    add = SubmitField(_l("Add to the menu"))

    def validate_url(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.target.data != "url":
            return
        if not field.data:
            raise ValidationError(_("Please give the address to link to."))
        if not menu.is_web_address(field.data):
            raise ValidationError(_("Use an address starting with https:// or http://, or with /."))

    def validate_label(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.target.data == "url" and not field.data:
            raise ValidationError(_("Please give the link a label."))


class RenameMenuItemForm(BlogForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=100)])
    rename = SubmitField(_l("Rename"))


class ProfileForm(BlogForm):
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Shown with your posts and replies."),
    )
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    new_password = PasswordField(
        _l("New password"),
        validators=[
            Optional(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=_l("Please use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l(
            "Leave empty to keep yours. At least %(count)d characters; "
            "every other session of yours then ends.",
            count=MIN_PASSWORD_LENGTH,
        ),
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("The two new passwords differ."))],
    )
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Type your current password to save these changes."))],
    )
    save = SubmitField(_l("Save profile"))
