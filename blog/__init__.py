"""A small, fast and safe Flask blog.

``create_app`` reads as the table of contents: configuration, extensions,
blueprints, error pages, template helpers and CLI commands.
"""

import os
from pathlib import Path

from flask import Flask

from blog import config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("BLOG_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_middleware(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then BLOG_* variables (or the test config)."""
    app.config.from_mapping(config.DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url_from_env(app.instance_path)
    app.config["RATELIMIT_STORAGE_URI"] = config.ratelimit_storage_uri(app.instance_path)
    if test_config is None:
        from_file = config.instance_file_settings(app)
        app.config.update(from_file)
        app.config.from_prefixed_env("BLOG")
        if os.environ.get("DATABASE_URL"):  # the environment wins, as for BLOG_* settings
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        # Settings edited at /admin/settings give way to these, shown there as fixed.
        app.extensions["setting_sources"] = config.setting_sources(from_file, os.environ)
    else:
        app.config.from_mapping(test_config)
        app.extensions["setting_sources"] = {}
    app.config["SQLALCHEMY_DATABASE_URI"] = config.normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    config.settle_secret_key(app.config, Path(app.instance_path))
    config.settle_trusted_hosts(app.config)
    config.apply_https(app.config)


def register_extensions(app: Flask) -> None:
    from blog import database, i18n, ratelimit
    from blog.extensions import csrf, db, login_manager

    db.init_app(app)
    database.configure_engines(app)
    if not app.config["SERVING"]:
        database.register_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)


def register_blueprints(app: Flask) -> None:
    from blog.pagination import RowIdConverter

    app.url_map.converters["id"] = RowIdConverter
    from blog import auth, discovery, mail, media, pagecache, security, users
    from blog.admin import bp as admin_bp
    from blog.comments.views import bp as comments_bp
    from blog.feeds import bp as feeds_bp
    from blog.posts.views import bp as posts_bp
    from blog.site import init_app as register_site

    pagecache.init_app(app)  # first: it stores pages with the headers the others add
    security.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    register_site(app)  # settings, pages and the menu, edited at /admin
    users.init_app(app)  # /admin/users, and new users' setup links
    app.register_blueprint(posts_bp)
    app.register_blueprint(comments_bp)
    mail.init_app(app)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(feeds_bp)
    media.init_app(app)  # the media store and the files' blueprint
    from blog import redirects  # old WordPress links: a 404 handler, registered last

    redirects.init_app(app)


def register_middleware(app: Flask) -> None:
    """WSGI layers around Flask, innermost first: each sees the environ the next one made.

    The page cache's layer answers from the store with the address as the
    proxies said it was; without PROXY_FIX_HOPS no forwarded header is believed.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from blog import pagecache, security

    if app.config["PAGE_CACHE"]:
        app.wsgi_app = pagecache.CookielessPages(app, app.wsgi_app)
    if app.config["HTTPS"]:
        app.wsgi_app = security.served_over_https(app.wsgi_app)
    if hops := app.config["PROXY_FIX_HOPS"]:
        # Rate limits, login throttling and comment addresses then use the
        # visitor's address; links use the forwarded host and prefix.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_errorhandlers(app: Flask) -> None:
    from blog import errors

    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from blog import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from blog import cli

    cli.init_app(app)
