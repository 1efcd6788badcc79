"""The author's side: dashboard and post editor. Every route needs a login."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_login() -> None:
    """Guard every admin route at once, so a new one cannot forget it."""


from blog.admin import views  # noqa: E402, F401  (views register themselves on bp)
