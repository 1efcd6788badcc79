"""Logging the author in and out."""

from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db, login_manager
from blog.forms import BlogForm, EmptyForm
from blog.models import User

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Unknown username or wrong password."

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no such user", method="scrypt")


class LoginForm(BlogForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember_me = BooleanField("Remember me")
    submit = SubmitField("Log in")


def safe_next_url(target: str | None) -> str:
    """``target`` if it is a path on this site, else the dashboard."""
    if target and target.startswith("/") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("admin.dashboard")


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        # Hash anyway, so "no such user" takes as long as "wrong password".
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def login():
    """Log the author in and send them where they were going."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember_me.data)
            return redirect(next_url)
        form.form_errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the session (a POST with a CSRF token, so no link can log you out)."""
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("posts.index"))
