"""Engine tuning and the one-time preparation of a site's database."""

import secrets
import sqlite3
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, url_for

from blog.extensions import db
from blog.models import Role, User, UTCDateTime


def configure_engines(app: Flask) -> None:
    # SQLite transactions are deliberately left to the sqlite3 driver's default
    # ("legacy") control: it sends BEGIN only just before the first INSERT,
    # UPDATE or DELETE, so a write transaction asks for the write lock as its
    # very first step, and the busy timeout makes it wait its turn. Emitting
    # BEGIN ourselves when a session starts (the "begin" event recipe in the
    # SQLAlchemy docs) would make a request that reads and then writes try to
    # upgrade an old read snapshot, which SQLite refuses at once with
    # "database is locked", without waiting: tests/test_load.py then saw about
    # half of 1,000 concurrent comments fail with a 500. BEGIN IMMEDIATE
    # everywhere avoids that but makes every request, page views included,
    # take the single write lock in turn. Legacy control stops being Python's
    # default in a future release (3.16, say the SQLAlchemy docs): revisit then.
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


def register_migrations(app: Flask) -> None:
    """Flask-Migrate, for ``flask db`` and prepare_site.

    Imported here, not at the top: Alembic and its friends weigh about 12 MB,
    and gunicorn's workers (SERVING, set by wsgi.py) never need them.
    """
    from flask_migrate import Migrate

    from blog import search

    Migrate(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_item=render_migration_type,
        # The search objects are made by hand in their migration, not declared on the models.
        include_object=search.include_object,
    )


def prepare_site(app: Flask, base_url: str = "http://127.0.0.1:8000") -> None:
    """Upgrade the schema and, on a blog with no author yet, create ``admin``.

    Runs once before gunicorn forks its workers (see gunicorn.conf.py) and
    from ``flask --app blog init``.
    """
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count(User.id))) == 0:
            _create_first_admin(app, base_url)


def _create_first_admin(app: Flask, base_url: str) -> None:
    password = secrets.token_urlsafe(12)
    admin = User(username="admin", display_name="Admin", role=Role.ADMINISTRATOR)
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
