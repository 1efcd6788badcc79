"""The author's side: dashboard and post editor. Every route needs a login."""

from flask import Blueprint
from flask_login import current_user, login_required

from blog.admin.moderation import pending_count

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_login() -> None:
    """Guard every admin route at once, so a new one cannot forget it."""


@bp.app_context_processor
def moderation_queue() -> dict:
    """The number of held comments, shown in the author's navigation."""
    if not current_user.is_authenticated:
        return {}
    return {"pending_comments": pending_count()}


from blog.admin import comment_views, media_views, views  # noqa: E402, F401  (they register on bp)
