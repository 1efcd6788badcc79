"""The forms of /admin/users and of the setup link."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from blog.cli import MIN_PASSWORD_LENGTH
from blog.extensions import db
from blog.forms import BlogForm
from blog.models import Role, User

ROLE_CHOICES = [
    SelectChoice(Role.AUTHOR.value, _l("Author: writes and edits their own posts and pages")),
    SelectChoice(Role.ADMINISTRATOR.value, _l("Administrator: everything, settings and users too")),
]
PASSWORD_RULE = lazy_ngettext(
    "At least %(num)d character.", "At least %(num)d characters.", MIN_PASSWORD_LENGTH
)
TOO_SHORT = lazy_ngettext(
    "Please use at least %(num)d character.",
    "Please use at least %(num)d characters.",
    MIN_PASSWORD_LENGTH,
)
USERNAME_TAKEN = _l("Another user already has this username.")
PASSWORDS_DIFFER = _l("The two passwords differ.")
SET_PASSWORD, SEND_LINK = "password", "link"
KEEP, REASSIGN = "keep", "reassign"


def password_field(label, *required) -> PasswordField:
    return PasswordField(
        label,
        validators=[*required, Length(min=MIN_PASSWORD_LENGTH, max=1000, message=TOO_SHORT)],
        description=PASSWORD_RULE,
    )


class NewUserForm(BlogForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[\w.@+-]+$", message=_l("Letters, digits and . @ + - _ only, no spaces.")),
        ],
        description=_l("What they type to log in."),
    )
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=100)],
        description=_l("Shown with their posts and replies."),
    )  # fmt: skip
    email = EmailField(
        _l("Email"), validators=[Optional(), Email(), Length(max=254)],
        description=_l("Never shown to readers. The setup link is mailed here if mail is on."),
    )  # fmt: skip
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.AUTHOR.value)
    password_method = RadioField(
        _l("How they get a password"),
        choices=[
            SelectChoice(
                SEND_LINK, _l("A one-time setup link, valid for 48 hours: they choose it")
            ),
            SelectChoice(SET_PASSWORD, _l("I type it now, twice")),
        ],
        default=SEND_LINK,
    )
    password = password_field(_l("Password"), Optional())
    confirm_password = PasswordField(
        _l("Password again"), validators=[EqualTo("password", PASSWORDS_DIFFER)]
    )
    add = SubmitField(_l("Add user"))

    def validate_username(self, field) -> None:
        taken = db.session.scalar(sa.select(User.id).where(User.username == field.data))
        if taken is not None:
            raise ValidationError(USERNAME_TAKEN)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is empty: asked here instead.
        if self.password_method.data == SET_PASSWORD and not self.password.data:
            self.password.errors = [
                *self.password.errors,
                _("Type the password, or choose the setup link."),
            ]
            return False
        return valid


class RoleForm(BlogForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    change_role = SubmitField(_l("Change role"))


class RemoveForm(BlogForm):
    posts = RadioField(
        _l("Their posts and pages"),
        choices=[
            SelectChoice(REASSIGN, _l("Give them to another user (chosen below)")),
            SelectChoice(
                KEEP, _l("Keep them under their name: the account stays, closed for good")
            ),
        ],
        default=REASSIGN,
    )
    # Choices: the other users; checked below, as only a reassignment needs one.
    heir = SelectField(_l("Give them to"), coerce=int, validate_choice=False)
    remove = SubmitField(_l("Remove user"))

    def validate_heir(self, field) -> None:
        heirs = {choice.value for choice in field.choices}
        if self.posts.data == REASSIGN and field.data not in heirs:
            raise ValidationError(_("Choose who gets their posts and pages, or keep them."))


class SetupForm(BlogForm):
    password = password_field(_l("Choose a password"), DataRequired())
    confirm_password = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", PASSWORDS_DIFFER)],
    )
    save = SubmitField(_l("Set my password"))
