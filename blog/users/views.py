"""Listing, adding and changing users; a new user's setup link."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.mail import messages, outbox, settings
from blog.models import User, UserStatus
from blog.users import accounts
from blog.users.blueprint import account_bp, bp
from blog.users.forms import (
    KEEP,
    SEND_LINK,
    USERNAME_TAKEN,
    NewUserForm,
    RemoveForm,
    RoleForm,
    SetupForm,
)

LINK_GONE = _l(
    "This setup link is not valid (any more): it works once, for 48 hours. "
    "Ask an administrator for a new one."
)


@bp.get("/")
def list_users():
    """Every user with their role and status; removed users (posts kept) last."""
    users = db.session.scalars(
        sa.select(User).order_by(User.status == UserStatus.REMOVED, User.username)
    ).all()
    return render_template("users/list.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new_user():
    """Add a user, with a password typed twice or a one-time setup link."""
    form = NewUserForm()
    if not form.validate_on_submit():
        return render_template("users/new.html", form=form), 422 if form.errors else 200
    user = User(
        username=form.username.data.strip(),
        display_name=form.display_name.data.strip(),
        email=(form.email.data or "").strip(),
        role=form.role.data,
    )
    db.session.add(user)
    if form.password_method.data != SEND_LINK:
        user.set_password(form.password.data)
    try:
        db.session.flush()  # a username another request took since the check shows up here
    except IntegrityError:
        db.session.rollback()
        form.username.errors.append(USERNAME_TAKEN)
        return render_template("users/new.html", form=form), 422
    if form.password_method.data != SEND_LINK:
        db.session.commit()
        flash(
            _(
                "Added %(name)s; they can log in as %(username)s.",
                name=user.display_name,
                username=user.username,
            ),
            "success",
        )
        return redirect(url_for("users.list_users"))
    return show_setup_link(user)


def show_setup_link(user: User):
    """A fresh link (the one before stops working), mailed if mail is on, shown once."""
    link = url_for("account.setup", token=accounts.issue_setup_link(user), _external=True)
    mailed = mail_setup_link(user, link)
    db.session.commit()
    # Shown once, on this answer only: the database keeps nothing but the link's hash.
    return render_template("users/setup_link.html", user=user, link=link, mailed=mailed)


def mail_setup_link(user: User, link: str) -> bool:
    """Queue the link to the new user when mail is on and they have an address."""
    if not (user.email and settings.enabled(current_app.config)):
        return False
    # The mail speaks the site's language, as the page the link opens does.
    with messages.in_site_language():
        subject = _("Choose your password")
    draft = messages.draft(
        user.email,
        subject,
        "setup_link",
        name=user.display_name,
        username=user.username,
        link=link,
        hours=accounts.SETUP_LINK_HOURS,
    )
    outbox.queue("setup", draft)
    return True


def user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.status == UserStatus.REMOVED:
        abort(404)
    return user


def render_manage(user: User, status: int = 200, **forms):
    role_form = forms.get("role_form") or RoleForm(formdata=None, role=user.role)
    remove_form = forms.get("remove_form") or RemoveForm(formdata=None)
    remove_form.heir.choices = heir_choices(user)
    return render_template(
        "users/manage.html",
        user=user,
        role_form=role_form,
        remove_form=remove_form,
        status_form=forms.get("status_form") or EmptyForm(formdata=None),
        owned=accounts.owned_posts(user),
    ), status  # fmt: skip


def heir_choices(user: User) -> list[tuple[int, str]]:
    others = db.session.scalars(
        sa.select(User)
        .where(User.id != user.id, User.status != UserStatus.REMOVED)
        .order_by(User.username)
    )
    return [SelectChoice(other.id, f"{other.display_name} ({other.username})") for other in others]


@bp.get("/<id:user_id>")
def manage_user(user_id: int):
    """One user: their role, disabling and removing them."""
    return render_manage(user_or_404(user_id))


@bp.post("/<id:user_id>/role")
@keeps_input_on_csrf_error
def change_role(user_id: int):
    user = user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return render_manage(user, 422, role_form=form)
    try:
        accounts.change_role(user, form.role.data)
    except accounts.LastAdministrator as refusal:
        db.session.rollback()
        form.role.errors.append(str(refusal))
        return render_manage(user, 422, role_form=form)
    db.session.commit()
    if user.is_administrator:
        changed = _("%(name)s is now an administrator.", name=user.display_name)
    else:
        changed = _("%(name)s is now an author.", name=user.display_name)
    flash(changed, "success")
    return redirect(url_for("users.manage_user", user_id=user.id))


@bp.post("/<id:user_id>/setup-link")
def new_setup_link(user_id: int):
    """Another one-time link: for a link that expired, or a forgotten password."""
    user = user_or_404(user_id)
    form = EmptyForm()
    if not form.validate_on_submit() or not user.is_active:
        return render_manage(user, 422, status_form=form)
    return show_setup_link(user)


@bp.post("/<id:user_id>/disable")
def disable_user(user_id: int):
    """No more logins for this user; every session of theirs ends."""
    user = user_or_404(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_manage(user, 422, status_form=form)
    try:
        accounts.disable(user)
    except accounts.LastAdministrator as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return render_manage(user, 422, status_form=form)
    db.session.commit()
    flash(
        _("Disabled %(name)s: they cannot log in, and are logged out.", name=user.display_name),
        "success",
    )
    return redirect(url_for("users.manage_user", user_id=user.id))


@bp.post("/<id:user_id>/enable")
def enable_user(user_id: int):
    user = user_or_404(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_manage(user, 422, status_form=form)
    accounts.enable(user)
    db.session.commit()
    flash(_("Enabled %(name)s: they can log in again.", name=user.display_name), "success")
    return redirect(url_for("users.manage_user", user_id=user.id))


@bp.post("/<id:user_id>/remove")
def remove_user(user_id: int):
    """Remove a user; their posts go to another user or stay under their name."""
    user = user_or_404(user_id)
    form = RemoveForm()
    form.heir.choices = heir_choices(user)
    if not form.validate_on_submit():
        return render_manage(user, 422, remove_form=form)
    heir = None if form.posts.data == KEEP else db.session.get(User, form.heir.data)
    name = user.display_name
    try:
        accounts.remove(user, heir)
    except accounts.LastAdministrator as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return render_manage(user, 422, remove_form=form)
    db.session.commit()
    if heir:
        removed = _(
            "Removed %(name)s. Their posts and pages are now %(heir)s’s.",
            name=name,
            heir=heir.display_name,
        )
    else:
        removed = _("Removed %(name)s.", name=name)
    flash(removed, "success")
    return redirect(url_for("users.list_users"))


@account_bp.route("/setup/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def setup(token: str):
    """The new user's one-time link: they choose their password, then log in."""
    user = accounts.user_for_setup_token(token)
    if user is None:
        abort(404, LINK_GONE)
    form = SetupForm()
    if form.validate_on_submit():
        if not accounts.use_setup_token(user, token, form.password.data):
            abort(404, LINK_GONE)
        flash(_("Your password is set. Log in with it now."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("users/setup.html", form=form, user=user), status
