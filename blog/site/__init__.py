"""The site as the administrator shapes it in the browser: settings, pages, the menu."""

from flask import Blueprint, Flask
from flask_login import login_required

bp = Blueprint("site", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_login() -> None:
    """Guard every route here at once, as the admin blueprint does."""


def init_app(app: Flask) -> None:
    from blog.site import settings

    settings.init_app(app)
    app.register_blueprint(bp)


from blog.site import views  # noqa: E402, F401  (they register on bp)
