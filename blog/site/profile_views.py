"""The author's own profile at /admin/profile: name, email and password."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blog.auth import start_session
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.site.blueprint import bp
from blog.site.forms import ProfileForm

NOT_CONFIRMED = _l("That is not your current password; nothing was changed.")


@bp.route("/profile", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def profile():
    """Change one's display name, email or password; the current password confirms it."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(NOT_CONFIRMED)
        else:
            user.display_name = form.display_name.data.strip()
            user.email = (form.email.data or "").strip()
            if form.new_password.data:
                user.set_password(form.new_password.data)  # ends every session, this one too
            db.session.commit()
            if form.new_password.data:
                start_session(user, remember=False)  # ...so this one starts again
            flash(_("Profile saved."), "success")
            return redirect(url_for("site.profile"))
    status = 422 if form.errors else 200
    return render_template("site/profile.html", form=form), status
