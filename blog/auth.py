"""Logging the author in and out: throttled, with sessions that really end."""

from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blog import unsaved
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db, login_manager
from blog.forms import BlogForm, EmptyForm
from blog.i18n import N_
from blog.models import LoginAttempt, User, password_hash_method, utcnow

bp = Blueprint("auth", __name__)

LOGIN_FAILED = N_("Unknown username or wrong password.")
SESSION_EXPIRED = N_("Your session has expired. Please log in again.")

login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please log in to see that page.")
login_manager.localize_callback = _
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session or remember-me cookie, if its version is still current."""
    number, _, version = user_id.partition(":")
    if not (number.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.is_active:  # disabled or removed: no session at all
        return None
    return user if user.session_version == int(version) else None


@bp.before_app_request
def end_stale_sessions() -> None:
    """Log out after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS in all."""
    if "login_at" not in session:
        return
    now = utcnow()
    config = current_app.config
    login_at = datetime.fromisoformat(session["login_at"])
    seen_at = datetime.fromisoformat(session.get("seen_at", session["login_at"]))
    if now - seen_at > timedelta(
        minutes=config["SESSION_IDLE_MINUTES"]
    ) or now - login_at > timedelta(hours=config["SESSION_MAX_HOURS"]):
        session.clear()
        logout_user()  # after clear(): it leaves the note that removes the remember cookie
        flash(_(SESSION_EXPIRED), "info")
        return
    session["seen_at"] = now.isoformat()


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("no such user", method=method)


class LoginForm(BlogForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember_me = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


def safe_next_url(target: str | None) -> str:
    """``target`` if it is a path on this site, else the dashboard.

    A character that is not printable (control, format, line separator) refuses
    the target: a header cannot carry CR or LF, and browsers drop tabs and
    newlines, so ``/<tab>/evil.example`` would leave the site.
    """
    if target and target.isprintable() and target.startswith("/") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("admin.dashboard")


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or user.password_hash is None or not user.is_active:
        # Hash anyway, so "no such user", "no password yet" (an imported
        # author) and "disabled" take as long as "wrong password".
        check_password_hash(_dummy_hash(password_hash_method()), password)
        return None
    return user if user.check_password(password) else None


def client_address() -> str:
    return (request.remote_addr or "")[:45]


def begin_attempt(username: str, address: str) -> LoginAttempt | None:
    """Record this attempt before its password is checked; None if it is one too many.

    Recorded and committed first, then counted with the others: of many
    attempts at once, at most LOGIN_MAX_FAILURES get as far as a password.
    """
    attempt = LoginAttempt(username=username, address=address, created_at=utcnow())
    db.session.add(attempt)
    db.session.commit()
    if too_many_attempts(username, address):
        db.session.delete(attempt)  # refused before any check: not a failure
        db.session.commit()
        return None
    return attempt


def too_many_attempts(username: str, address: str) -> bool:
    """Whether the attempts in the window, this one included, go over the limit.

    One address gets LOGIN_MAX_FAILURES, whatever usernames it tries. Once a
    username has had that many from anywhere, an address that already failed
    for it gets no more, so many addresses guessing share one budget; an
    address that has not failed for it (the author's own) is never refused.
    """
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    limit = config["LOGIN_MAX_FAILURES"]
    from_address = LoginAttempt.address == address
    for_username = LoginAttempt.username == username
    by_address, by_username, by_both = db.session.execute(
        sa.select(
            sa.func.count().filter(from_address),
            sa.func.count().filter(for_username),
            sa.func.count().filter(from_address & for_username),
        ).where(LoginAttempt.created_at > since, from_address | for_username)
    ).one()
    return by_address > limit or (by_username > limit and by_both > 1)


def end_attempt(attempt: LoginAttempt, succeeded: bool) -> None:
    """A success is no failure: forget it. A failure stays for the window."""
    if succeeded:
        db.session.delete(attempt)
    else:
        window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
        expired = LoginAttempt.created_at < utcnow() - window
        db.session.execute(sa.delete(LoginAttempt).where(expired))
    db.session.commit()


def start_session(user: User, remember: bool) -> None:
    """A fresh session for the author: nothing from before the login carries over."""
    session.clear()
    login_user(user, remember=remember)
    session["login_at"] = session["seen_at"] = utcnow().isoformat()


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def login():
    """Log the author in and send them where they were going."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        attempt = begin_attempt(form.username.data, client_address())
        if attempt is None:
            minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
            abort(429, too_many_failures(minutes))
        user = authenticate(form.username.data, form.password.data)
        end_attempt(attempt, succeeded=user is not None)
        if user is not None:
            start_session(user, form.remember_me.data)
            if kept := unsaved.carried():
                return unsaved.back_to_the_form(user, kept)
            return redirect(next_url)
        form.form_errors.append(_(LOGIN_FAILED))
    return unsaved.render_login(form, unsaved.carried())


def too_many_failures(minutes: int) -> str:
    return ngettext(
        "Too many failed logins for this account or from your address. "
        "Please wait %(num)d minute and try again.",
        "Too many failed logins for this account or from your address. "
        "Please wait %(num)d minutes and try again.",
        minutes,
    )


@bp.post("/logout")
def logout():
    """End this session and every other one of this author (a POST with a CSRF token)."""
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
        session.clear()
        logout_user()  # after clear(): it leaves the note that removes the remember cookie
        flash(_("You are logged out."), "info")
    return redirect(url_for("posts.index"))
