"""Settings edited at /admin/settings, laid over ``app.config`` in every worker.

Precedence, highest first: an environment variable or ``instance/config.py``
(fixed: the form shows them with their source and cannot change them), the
stored value, the default. Code keeps reading ``current_app.config[KEY]``:
before each request that is not answered from the page cache, one small
query compares the stored version with the one this process holds, and a
newer one is copied into ``app.config`` under a lock. Every worker and every
instance on the database so follows a save at its next request; the save
renews the SITE topic, so no stored page shows the old values. A save that
changes the language indexes the posts for search in the new one.
"""

import threading
from collections.abc import Mapping

import sqlalchemy as sa
from flask import Flask, current_app, request

from blog import search
from blog.extensions import db
from blog.site.models import THE_SETTINGS, StoredSettings

# What the form edits, in its order. Secrets and plumbing stay in the environment.
SITE_KEYS = ("SITE_TITLE", "SITE_TAGLINE", "SITE_DESCRIPTION", "POSTS_PER_PAGE",
             "TIME_ZONE", "LANGUAGE", "FEED_FULL_CONTENT")  # fmt: skip
COMMENT_KEYS = (
    "COMMENT_HOLD_FIRST", "COMMENT_MAX_LINKS", "COMMENT_MODERATION_WORDS",
    "COMMENT_DISALLOWED_WORDS", "COMMENT_MIN_SECONDS", "COMMENT_RATE_LIMIT",
    "COMMENT_MAX_DEPTH", "COMMENT_CLOSE_AFTER_DAYS", "COMMENT_THREADS_PER_PAGE",
    "COMMENT_DEFAULT_PAGE",
)  # fmt: skip
EDITABLE = SITE_KEYS + COMMENT_KEYS


class Overlay:
    """This process's copy of the stored settings and the version it came from."""

    def __init__(self, app: Flask) -> None:
        sources = app.extensions["setting_sources"]
        self.fixed = {key: sources[key] for key in EDITABLE if key in sources}
        # What a key is when nothing is stored: the defaults (or the test config).
        self.base = {key: app.config[key] for key in EDITABLE}
        self.version = 0  # no row stored
        self.lock = threading.Lock()

    def effective(self, stored: Mapping) -> dict:
        return {key: stored.get(key, value) for key, value in self.base.items()
                if key not in self.fixed}  # fmt: skip

    def refresh(self, config: dict) -> None:
        """Copy the stored settings into ``config`` if they changed since last time."""
        # Core, on the session's connection, with a statement built once: half the
        # cost of the ORM's session.scalar(select(...)) (bench/settings_check.py).
        version = db.session.connection().execute(VERSION).scalar() or 0
        if version == self.version:
            return
        with self.lock:
            row = db.session.execute(
                sa.select(StoredSettings.version, StoredSettings.values).where(
                    StoredSettings.id == THE_SETTINGS
                )
            ).first()
            version, stored = (row.version, row.values) if row else (0, {})
            config.update(self.effective(stored))
            self.version = version


VERSION = sa.select(StoredSettings.version).where(StoredSettings.id == THE_SETTINGS)


def init_app(app: Flask) -> None:
    app.extensions["site_settings"] = Overlay(app)
    # After the page cache's own hook: a stored page is served without this query.
    app.before_request(take_up_changes)


def overlay() -> Overlay:
    return current_app.extensions["site_settings"]


def take_up_changes() -> None:
    if request.endpoint != "static":
        refresh()


def refresh() -> None:
    """Take up settings saved since this process last looked (commands call it too)."""
    overlay().refresh(current_app.config)


def fixed() -> dict[str, str]:
    """The keys the form cannot change, with where their value comes from."""
    return overlay().fixed


def current() -> dict:
    return {key: current_app.config[key] for key in EDITABLE}


def save(values: Mapping) -> None:
    """Store ``values`` (the keys that are not fixed) and take them up in this process."""
    values = {key: values[key] for key in EDITABLE if key in values and key not in fixed()}
    language = current_app.config["LANGUAGE"]
    row = db.session.get(StoredSettings, THE_SETTINGS)
    if row is None:
        db.session.add(StoredSettings(id=THE_SETTINGS, values=values, version=1))
    else:
        row.values = {**row.values, **values}
        row.version = StoredSettings.version + 1  # in SQL: two saves at once both count
    db.session.commit()
    refresh()
    if current_app.config["LANGUAGE"] != language:
        search.reindex()
