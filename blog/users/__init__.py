"""Users: the administrators' screens at /admin/users, and the one-time setup link."""

from flask import Blueprint, Flask
from flask_login import login_required

from blog import roles

bp = Blueprint("users", __name__, url_prefix="/admin/users")
account_bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
@roles.administrators_only
def require_administrator() -> None:
    """Every route here is the administrators': guarded at once, so none can forget."""


def init_app(app: Flask) -> None:
    from blog.users import views  # noqa: F401  (they register on the blueprints)

    app.register_blueprint(bp)
    app.register_blueprint(account_bp)
