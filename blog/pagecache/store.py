"""The embedded page store: one SQLite file in instance/, bounded in bytes and entries.

diskcache keeps every entry in SQLite (WAL, safe for several gunicorn workers
at once) and evicts the least recently stored ones a few at a time as it
stores new ones, so a get or a set costs the same with a hundred entries or
two hundred thousand: no directory scans, no pruning of the whole store.

Entries stored with timeout 0 are *pinned*: the page cache's version tokens
(blog/pagecache/versions.py), which must never be evicted while the pages
filed under them are. They live in a second, unbounded store of their own: a
handful of rows (one a post with comments), never a stranger's choice.
"""

from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import EVICTION_POLICY
from flask_caching.backends.base import BaseCache

POLICY = "least-recently-stored"  # no write on a read, unlike least-recently-used
# Each set may evict up to this many entries: eviction is spread over the stores.
CULL_LIMIT = 10
# Values stay inside the SQLite file, so its size is the store's size.
NEVER_A_FILE = 2**40


class BoundedCache(diskcache.Cache):
    """A diskcache bounded in entries as well as in bytes (``size_limit``)."""

    def __init__(self, directory: str, max_entries: int, **settings) -> None:
        self.max_entries = max_entries
        super().__init__(directory, **settings)

    def _cull(self, now, sql, cleanup, limit=None):
        """After diskcache's own cull (expired, then over the byte bound), the entry bound."""
        super()._cull(now, sql, cleanup, limit)
        excess = len(self) - self.max_entries
        if excess > 0:
            oldest = EVICTION_POLICY[POLICY]["cull"].format(fields="rowid", now=now)
            sql(f"DELETE FROM Cache WHERE rowid IN ({oldest})", (excess,))  # noqa: S608


class DiskStore(BaseCache):
    """Flask-Caching's interface over a :class:`BoundedCache` and a pinned store."""

    def __init__(self, directory: str, max_bytes: int, max_entries: int, default_timeout=300):
        super().__init__(default_timeout)
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self.entries = BoundedCache(
            str(Path(directory) / "entries"),
            max_entries,
            size_limit=max_bytes,
            eviction_policy=POLICY,
            cull_limit=CULL_LIMIT,
            disk_min_file_size=NEVER_A_FILE,
        )
        self.pinned = diskcache.Cache(str(Path(directory) / "pinned"), eviction_policy="none")

    @classmethod
    def factory(cls, app, config: dict, args: list, kwargs: dict) -> "DiskStore":
        return cls(
            config["CACHE_DIR"],
            config["CACHE_MAX_BYTES"],
            config["CACHE_MAX_ENTRIES"],
            kwargs.get("default_timeout", config["CACHE_DEFAULT_TIMEOUT"]),
        )

    def _store_for(self, timeout: int) -> diskcache.Cache:
        return self.pinned if timeout == 0 else self.entries

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        return self.pinned.get(key) if value is None else value

    def get_many(self, *keys: str) -> list[Any]:
        return [self.get(key) for key in keys]

    def has(self, key: str) -> bool:
        return key in self.entries or key in self.pinned

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        timeout = self._normalize_timeout(timeout)
        return self._store_for(timeout).set(key, value, expire=timeout or None, retry=True)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        timeout = self._normalize_timeout(timeout)
        return self._store_for(timeout).add(key, value, expire=timeout or None, retry=True)

    def delete(self, key: str) -> bool:
        return bool(self.entries.delete(key, retry=True) | self.pinned.delete(key, retry=True))

    def clear(self) -> bool:
        self.entries.clear(retry=True)
        self.pinned.clear(retry=True)
        return True

    def stats(self) -> dict:
        return {
            "entries": len(self.entries),
            "pinned": len(self.pinned),
            "bytes": self.entries.volume() + self.pinned.volume(),
            "max_entries": self.max_entries,
            "max_bytes": self.max_bytes,
        }
