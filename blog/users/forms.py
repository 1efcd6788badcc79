"""The forms of /admin/users and of the setup link."""

import sqlalchemy as sa
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
    SelectChoice(Role.AUTHOR.value, "Author: writes and edits their own posts and pages"),
    SelectChoice(Role.ADMINISTRATOR.value, "Administrator: everything, settings and users too"),
]
PASSWORD_RULE = f"At least {MIN_PASSWORD_LENGTH} characters."
TOO_SHORT = f"Please use at least {MIN_PASSWORD_LENGTH} characters."
USERNAME_TAKEN = "Another user already has this username."
SET_PASSWORD, SEND_LINK = "password", "link"
KEEP, REASSIGN = "keep", "reassign"


def password_field(label: str, *required) -> PasswordField:
    return PasswordField(
        label,
        validators=[*required, Length(min=MIN_PASSWORD_LENGTH, max=1000, message=TOO_SHORT)],
        description=PASSWORD_RULE,
    )


class NewUserForm(BlogForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[\w.@+-]+$", message="Letters, digits and . @ + - _ only, no spaces."),
        ],
        description="What they type to log in.",
    )
    display_name = StringField(
        "Display name", validators=[DataRequired(), Length(max=100)],
        description="Shown with their posts and replies.",
    )  # fmt: skip
    email = EmailField(
        "Email", validators=[Optional(), Email(), Length(max=254)],
        description="Never shown to readers. The setup link is mailed here if mail is on.",
    )  # fmt: skip
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.AUTHOR.value)
    password_method = RadioField(
        "How they get a password",
        choices=[
            SelectChoice(SEND_LINK, "A one-time setup link, valid for 48 hours: they choose it"),
            SelectChoice(SET_PASSWORD, "I type it now, twice"),
        ],
        default=SEND_LINK,
    )
    password = password_field("Password", Optional())
    confirm_password = PasswordField(
        "Password again", validators=[EqualTo("password", "The two passwords differ.")]
    )
    add = SubmitField("Add user")

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
                "Type the password, or choose the setup link.",
            ]
            return False
        return valid


class RoleForm(BlogForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    change_role = SubmitField("Change role")


class RemoveForm(BlogForm):
    posts = RadioField(
        "Their posts and pages",
        choices=[
            SelectChoice(REASSIGN, "Give them to another user (chosen below)"),
            SelectChoice(KEEP, "Keep them under their name: the account stays, closed for good"),
        ],
        default=REASSIGN,
    )
    # Choices: the other users; checked below, as only a reassignment needs one.
    heir = SelectField("Give them to", coerce=int, validate_choice=False)
    remove = SubmitField("Remove user")

    def validate_heir(self, field) -> None:
        heirs = {choice.value for choice in field.choices}
        if self.posts.data == REASSIGN and field.data not in heirs:
            raise ValidationError("Choose who gets their posts and pages, or keep them.")


class SetupForm(BlogForm):
    password = password_field("Choose a password", DataRequired())
    confirm_password = PasswordField(
        "The same password again",
        validators=[DataRequired(), EqualTo("password", "The two passwords differ.")],
    )
    save = SubmitField("Set my password")
