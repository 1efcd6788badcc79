"""The administrator's screen for the settings: /admin/settings."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blog import roles
from blog.errors import keeps_input_on_csrf_error
from blog.site import settings
from blog.site.blueprint import bp
from blog.site.forms import SettingsForm

SECTIONS = ((_l("The site"), settings.SITE_KEYS), (_l("Comments"), settings.COMMENT_KEYS))


@bp.route("/settings", methods=["GET", "POST"])
@roles.administrators_only
@keeps_input_on_csrf_error
def edit_settings():
    """Change the settings that are not fixed by the environment or instance/config.py."""
    values = settings.current()
    form = SettingsForm.for_values(values)
    fixed = {key: (form[key.lower()].label.text, shown(values[key]), source)
             for key, source in settings.fixed().items()}  # fmt: skip
    for key in fixed:
        del form[key.lower()]
    if form.validate_on_submit():
        settings.save(form.values())
        flash(_("Settings saved."), "success")
        return redirect(url_for("site.edit_settings"))
    status = 422 if form.errors else 200
    return render_template("site/settings.html", form=form, sections=SECTIONS, fixed=fixed), status


def shown(value) -> str:
    """A setting's value as the settings screen prints it."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or _("(none)")
    return str(value) if value != "" else _("(empty)")
