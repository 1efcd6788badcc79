"""The site as the administrator shapes it in the browser: settings, pages, the menu."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not at the top: the reader's views (blog.posts) use blog.site.pages.
    from blog.site import (  # noqa: F401  (the views register on blueprint.bp)
        blueprint,
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
    app.register_blueprint(blueprint.bp)
    app.register_blueprint(reading.bp)
