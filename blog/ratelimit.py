"""Rate-limit counters shared by every gunicorn worker of one machine, without a server.

``diskcache://`` (the default) keeps Flask-Limiter's fixed-window counters in
a diskcache folder: SQLite underneath, so an increment is one transaction
that every process on the machine sees, and the limit is exact across
workers. ``memory://`` would count in each worker for itself. Several
machines share ``redis://…`` instead.
"""

import sqlite3
import time
from typing import ClassVar
from urllib.parse import urlsplit

import diskcache
from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import Storage

from blog.extensions import limiter

SCHEME = "diskcache"


class DiskCacheStorage(Storage):
    """``diskcache:///path/to/folder``: fixed-window counters in a diskcache folder."""

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        if not urlsplit(uri).path.startswith("/"):
            # diskcache would quietly count in a new temporary folder.
            raise ConfigurationError(
                f"{uri}: give a folder, as in {SCHEME}:///var/lib/blog/ratelimit"
            )
        # Further options (RATELIMIT_STORAGE_OPTIONS) are diskcache's own settings.
        self.cache = diskcache.Cache(urlsplit(uri).path, **options)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return diskcache.Timeout, sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        # One transaction: a window that starts here gets its expiry before
        # any other process can count in it.
        with self.cache.transact():
            count = self.cache.incr(key, amount)  # a missing or expired key starts at 0
            if count == amount:
                self.cache.touch(key, expire=expiry)
        return count

    def get(self, key: str) -> int:
        return self.cache.get(key, default=0)

    def get_expiry(self, key: str) -> float:
        _, expire_time = self.cache.get(key, expire_time=True)
        return expire_time or time.time()

    def check(self) -> bool:
        self.cache.get("")  # raises when the folder cannot be read
        return True

    def reset(self) -> int:
        return self.cache.clear()

    def clear(self, key: str) -> None:
        self.cache.delete(key)


def init_app(app: Flask) -> None:
    """Bind the limiter, once this module has registered the ``diskcache://`` scheme."""
    limiter.init_app(app)
