"""Throw-away databases: a SQLite file, or a fresh PostgreSQL database."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from blog.config import normalize_database_url


@contextmanager
def scratch_database(folder: Path, label: str, server_url: str | None = None) -> Iterator[str]:
    """A URL to an empty database, removed afterwards.

    SQLite by default; PostgreSQL when ``server_url`` (or ``TEST_DATABASE_URL``)
    names a server, whose database is only used to connect and create ours.
    """
    server_url = server_url or os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield "sqlite:///" + str(folder / f"{label}.sqlite3")
        return
    server = sa.make_url(normalize_database_url(server_url))
    name = f"blog_test_{label}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
