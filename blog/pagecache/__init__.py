"""The page cache: whole pages for anonymous readers, fragments for everybody.

- ``policy``: which requests are answered from the store and under which key;
- ``versions``: which topics a change renews, so only pages showing it are made again;
- ``pages``: the Flask hooks that store and serve pages, and the fragments;
- ``wsgi``: stored pages for cookie-less browsers, before Flask is entered;
- ``store``: the embedded store, a bounded SQLite file in instance/.

Only anonymous readers with nothing personal get stored pages: a logged-in
author, a reader whose held comment is in their session, one with saved
comment details or a flashed message always get a fresh page.
"""

import hashlib
from pathlib import Path

from flask import Flask

from blog.extensions import cache
from blog.pagecache import versions
from blog.pagecache.pages import (
    add_validators,
    depends_on,
    fragment,
    personal,
    serve_cached_page,
    shows,
    store_page,
)
from blog.pagecache.policy import Policy
from blog.pagecache.wsgi import CookielessPages

__all__ = ["CookielessPages", "depends_on", "fragment", "init_app", "personal", "shows", "stats"]

# Short names for the stores an operator picks with CACHE_TYPE.
STORES = {"DiskCache": "blog.pagecache.store.DiskStore"}


def init_app(app: Flask) -> None:
    """The store, the hooks and the policy; the WSGI layer is placed by create_app.

    Registered before the other after_request functions, so store_page runs
    after them and stores the page with every header they add.
    """
    config = app.config
    store_config = {
        **config,
        "CACHE_TYPE": STORES.get(config["CACHE_TYPE"], config["CACHE_TYPE"]),
        "CACHE_DIR": config["CACHE_DIR"] or str(Path(app.instance_path) / "page-cache"),
    }
    cache.init_app(app, config=store_config)
    versions.init_app()
    app.extensions["page_cache_policy"] = Policy.for_app(app, fingerprint(app))
    app.after_request(add_validators)
    if config["PAGE_CACHE"]:
        # First of all before_request functions: a hit skips the rest.
        app.before_request_funcs.setdefault(None, []).insert(0, serve_cached_page)
        app.after_request(store_page)


def fingerprint(app: Flask) -> str:
    """What pages depend on besides the content: the settings and the code.

    Part of every key, so restarting with a changed setting or a new release
    never serves what the old one rendered.
    """
    digest = hashlib.sha256(
        repr(sorted((key, repr(value)) for key, value in app.config.items())).encode()
    )
    sources = [
        *Path(app.root_path).rglob("*.py"),
        *Path(app.template_folder).rglob("*"),
        *Path(app.static_folder).rglob("*"),
    ]
    for path in sorted(sources):
        digest.update(f"{path}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def stats(app: Flask) -> dict:
    """Entries and bytes in the store, and its bounds, for ``flask cache-stats``."""
    store = app.extensions["cache"][cache]
    if hasattr(store, "stats"):
        return store.stats()
    client = getattr(store, "_write_client", None)
    if client is not None:  # Redis: the keys of this blog, and the server's memory
        keys = sum(1 for _ in client.scan_iter(match=f"{store.key_prefix}*", count=1000))
        return {
            "entries": keys,
            "bytes": client.info("memory")["used_memory"],
            "max_entries": None,
            "max_bytes": client.config_get("maxmemory").get("maxmemory"),
        }
    return {"entries": None, "bytes": None, "max_entries": None, "max_bytes": None}
