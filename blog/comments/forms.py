"""The reader's comment form and the author's, with the stamp that times a reader's visit."""

import functools
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import BooleanField, EmailField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from blog import text
from blog.forms import BlogForm
from blog.i18n import N_
from blog.models import utcnow

BAD_EMAIL = N_("Please enter a valid email address.")


def strip_text(value: str | None) -> str | None:
    return value.strip() if value else value


class WebAddress:
    """Only http and https addresses: no ``javascript:``, ``data:`` or other schemes."""

    message = N_("Enter a web address starting with http:// or https://.")

    def __call__(self, form, field) -> None:
        if field.data and text.safe_web_url(field.data) is None:
            raise ValidationError(_(self.message))


class CommentForm(BlogForm):
    """What everybody sends: the comment, where it belongs, and the bot traps."""

    comment = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_l("Please type your comment."))],
    )
    parent_id = HiddenField(filters=[lambda value: value or None])
    # Bots fill every field; people never see this one (hidden by the stylesheet).
    phone = StringField(_l("Leave this field empty"), filters=[strip_text])
    issued = HiddenField()
    submit = SubmitField(_l("Post Comment"))

    def validate_comment(self, field) -> None:
        limit = current_app.config["COMMENT_MAX_LENGTH"]
        if len(field.data) > limit:
            raise ValidationError(
                ngettext(
                    "Please keep your comment under %(max)s character.",
                    "Please keep your comment under %(max)s characters.",
                    limit,
                    max=format_number(limit),
                )
            )

    def stamp(self) -> None:
        """Sign a one-time nonce and the time the form was shown.

        The time feeds the too-fast-to-be-human check; the nonce makes a form
        sent twice (a double click, a retry) store one comment.
        """
        self.issued.data = new_stamp()

    def _issued(self) -> tuple[str, datetime] | None:
        try:
            nonce, issued_at = _serializer().loads(self.issued.data or "", return_timestamp=True)
        except BadSignature:
            return None
        return (nonce, issued_at) if isinstance(nonce, str) else None

    def seconds_to_fill(self) -> float | None:
        issued = self._issued()
        return None if issued is None else (utcnow() - issued[1]).total_seconds()

    def nonce(self) -> str | None:
        issued = self._issued()
        return None if issued is None else issued[0][:32]


def new_stamp() -> str:
    return _serializer().dumps(secrets.token_urlsafe(16))


class ReaderCommentForm(CommentForm):
    """A visitor also says who they are."""

    author = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip_text]
    )
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(message=_l(BAD_EMAIL)), Length(max=254)],
        filters=[strip_text],
    )
    url = StringField(
        _l("Website"), validators=[Optional(), Length(max=200), WebAddress()], filters=[strip_text]
    )
    save_details = BooleanField(
        _l("Save my name, email, and website in this browser for the next time I comment.")
    )
    # blog/mail/subscriptions.py: replies to this comment, or every new comment on the post
    notify = BooleanField(_l("Notify me of follow-up comments by email"))
    notify_all = BooleanField(_l("Notify me of every new comment on this post, not only replies"))


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeTimedSerializer:
    # Made once: building one costs as much as signing (every post page signs a stamp).
    return URLSafeTimedSerializer(secret_key, salt="comment-form")
