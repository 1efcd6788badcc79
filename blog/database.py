"""Engine tuning and the one-time preparation of a site's database."""

import secrets
import sqlite3

import click
import sqlalchemy as sa
from flask import Flask, url_for
from flask_migrate import upgrade

from blog.extensions import db
from blog.models import User, UTCDateTime


def configure_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, connection_record) -> None:
    # WAL lets readers and a writer work at once; the busy timeout makes
    # several gunicorn workers queue for the write lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def render_migration_type(type_: str, obj, autogen_context):
    """Write our UTCDateTime as a plain DateTime, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def prepare_site(app: Flask, base_url: str = "http://127.0.0.1:8000") -> None:
    """Upgrade the schema and, on a blog with no author yet, create ``admin``.

    Runs once before gunicorn forks its workers (see gunicorn.conf.py) and
    from ``flask --app blog init``.
    """
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count(User.id))) == 0:
            _create_first_admin(app, base_url)


def _create_first_admin(app: Flask, base_url: str) -> None:
    password = secrets.token_urlsafe(12)
    admin = User(username="admin", display_name="Admin")
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    with app.test_request_context(base_url=base_url):
        login_url = url_for("auth.login", _external=True)
    click.echo(
        "\n  Created the author 'admin' with the password: "
        f"{password}\n  It is shown only this once. Log in at {login_url}\n"
        "  and change it with: flask --app blog set-password admin\n",
        err=True,
    )
