"""The blueprint of the site's admin screens (settings, pages, the menu, the profile)."""

from flask import Blueprint

from blog.admin.blueprint import require_login

bp = Blueprint("site", __name__, url_prefix="/admin")
# The admin's own guard: a login for every route, and the page editor's text
# carried through it when the session has ended (blog/unsaved.py).
bp.before_request(require_login)
