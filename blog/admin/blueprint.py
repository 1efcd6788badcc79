"""The admin blueprint and what every admin route shares: the login guard, the queue count."""

from flask import Blueprint
from flask_login import current_user

from blog import roles, unsaved
from blog.admin.summary import pending_count
from blog.auth import LoginForm
from blog.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_login():
    """Guard every admin route at once, so a new one cannot forget it.

    The editor's text, sent after the session ended, goes through the login
    with the author instead of being dropped by the redirect (blog/unsaved.py).
    """
    if current_user.is_authenticated:
        return None
    if unsaved.sent_from_an_editor():
        return unsaved.login_keeping_text(LoginForm(formdata=None))
    return login_manager.unauthorized()


@bp.app_context_processor
def moderation_queue() -> dict:
    """The number of held comments, shown in the author's navigation."""
    if not current_user.is_authenticated:
        return {}
    return {
        "pending_comments": pending_count(roles.comments_visible_to(current_user)),
        "is_administrator": roles.is_administrator(current_user),
    }
