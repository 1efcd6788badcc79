"""Users: the administrators' screens at /admin/users, and the one-time setup link."""

from flask import Flask


def init_app(app: Flask) -> None:
    from blog.users import blueprint, views  # noqa: F401  (the views register on the blueprints)

    app.register_blueprint(blueprint.bp)
    app.register_blueprint(blueprint.account_bp)
