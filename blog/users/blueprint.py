"""The users' blueprints: the administrators' screens, and the account setup a new user opens."""

from flask import Blueprint
from flask_login import login_required

from blog import roles

bp = Blueprint("users", __name__, url_prefix="/admin/users")
account_bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
@roles.administrators_only
def require_administrator() -> None:
    """Every route here is the administrators': guarded at once, so none can forget."""
