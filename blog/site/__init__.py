"""The site as the administrator shapes it in the browser: settings, pages, the menu."""

from flask import Blueprint, Flask

bp = Blueprint("site", __name__, url_prefix="/admin")


@bp.before_request
def require_login():
    """Guard every route here at once, as the admin blueprint does, and as it
    does, carry the page editor's text through the login (blog/unsaved.py)."""
    from blog.admin import require_login as admin_login  # blog.admin's views import blog.site

    return admin_login()


def init_app(app: Flask) -> None:
    # Imported here, not at the top: the reader's views (blog.posts) use blog.site.pages.
    from blog.site import (  # noqa: F401  (the views register on bp)
        menu,
        menu_views,
        page_views,
        profile_views,
        reading,
        settings,
        settings_views,
    )

    settings.init_app(app)
    app.add_template_global(menu.site_menu)
    app.register_blueprint(bp)
    app.register_blueprint(reading.bp)
