"""The blueprint of the site's admin screens (settings, pages, the menu, the profile)."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("site", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_login() -> None:
    """Guard every route here at once, as the admin blueprint does."""
