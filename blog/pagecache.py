"""The page cache: whole pages for anonymous readers, fragments for everybody.

Everything cached is filed under the site's *generation*, a token that
changes after every commit that changes what readers can see (a published
post, an approved or removed comment, a tag, an author's name) and when a
scheduled post's time comes. A new generation makes every older entry
unreachable at once; old entries age out of the store. A page rendered while
a commit lands is filed under the generation it started with, so it can
never be served as if it were newer.

Only anonymous readers with nothing personal get cached pages: a logged-in
author, a reader whose held comment is in their session, one with saved
comment details or a flashed message always get a fresh page. The only
personal parts of a public page, the comment form's CSRF token and signed
stamp, are stored as placeholders and filled in for each reader.

The store is Flask-Caching's (``CACHE_TYPE``): a folder in instance/ by
default, which every gunicorn worker shares; ``RedisCache`` in production.
"""

import functools
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.http import is_resource_modified

from blog.caching import PUBLIC_MAX_AGE
from blog.comments.browser import DETAILS_COOKIE
from blog.extensions import cache, db
from blog.models import Comment, CommentStatus, Post, PostStatus, Tag, User, utcnow

CACHED_BLUEPRINTS = frozenset({"posts", "feeds", "discovery"})
GENERATION_KEY = "generation"
# Session keys an anonymous reader may have without the page being theirs: the
# form token, and Flask-Login's mark that this session has logged nobody in afresh.
IMPERSONAL_SESSION_KEYS = frozenset({"csrf_token", "_fresh"})
SHOWN_TABLES = frozenset({"posts", "comments", "tags", "post_tags", "users"})
VALIDATORS = frozenset({"etag", "last-modified"})  # meaningless for a page made for one reader
PER_RESPONSE_HEADERS = frozenset({"cache-control", "set-cookie", "content-length", "vary"})
VISIBLE_COMMENT_STATES = frozenset({CommentStatus.APPROVED, CommentStatus.REMOVED})


@dataclass(frozen=True)
class Generation:
    token: str
    changed_at: float
    # When the next scheduled post appears (None: none; 0.0: not looked up yet).
    next_due: float | None = 0.0


@dataclass(frozen=True)
class Entry:
    body: bytes
    mimetype: str
    etag: str
    last_modified: float
    # The response's own headers (security policy and the like), for CookielessPages.
    headers: tuple[tuple[str, str], ...]
    # (name, placeholder, function making the reader's own value) for each personal part
    slots: tuple[tuple[str, bytes, Callable[[], str]], ...]


def init_app(app: Flask) -> None:
    folder = app.config["CACHE_DIR"] or str(Path(app.instance_path) / "page-cache")
    cache.init_app(app, config={**app.config, "CACHE_DIR": folder})
    if not sa.event.contains(sa.orm.Session, "after_flush", note_visible_changes):
        sa.event.listen(sa.orm.Session, "after_flush", note_visible_changes)
        sa.event.listen(sa.orm.Session, "do_orm_execute", note_bulk_changes)
        sa.event.listen(sa.orm.Session, "after_commit", start_new_generation)
        sa.event.listen(sa.orm.Session, "after_soft_rollback", forget_changes)
    app.extensions["page_cache_fingerprint"] = fingerprint(app)
    if app.config["PAGE_CACHE"]:
        # First of all before_request functions: a hit skips the rest. Registered
        # before the other after_request functions, so it runs last and stores
        # the page with every header they add.
        app.before_request_funcs.setdefault(None, []).insert(0, serve_cached_page)
        app.after_request(store_page)
        app.wsgi_app = CookielessPages(app, app.wsgi_app)


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


def version_key(kind: str, name: str) -> str:
    return store_key(kind, current_generation().token, current_app, name)


def store_key(kind: str, token: str, app: Flask, name: str) -> str:
    return f"{kind}:{token}:{app.extensions['page_cache_fingerprint']}:{name}"


# Generations ---------------------------------------------------------------


def current_generation() -> Generation:
    if "generation" not in g:
        generation = cache.get(GENERATION_KEY)
        if generation is None or (generation.next_due and generation.next_due <= time.time()):
            generation = new_generation()
        if generation.next_due == 0.0:
            generation = Generation(generation.token, generation.changed_at, next_publication())
            cache.set(GENERATION_KEY, generation, timeout=0)
        g.generation = generation
    return g.generation


def new_generation() -> Generation:
    generation = Generation(secrets.token_hex(8), time.time())
    cache.set(GENERATION_KEY, generation, timeout=0)
    g.pop("generation", None)
    return generation


def next_publication() -> float | None:
    """When the next scheduled post goes live, as a Unix time."""
    due = db.session.scalar(
        sa.select(sa.func.min(Post.published_at)).where(
            Post.status == PostStatus.PUBLISHED, Post.published_at > utcnow()
        )
    )
    return due.timestamp() if due else None


def fragment(name: str, render: Callable[[], str]) -> Markup:
    """A piece of HTML that only depends on the site's content, rendered once a generation."""
    key = version_key("fragment", name)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html)
    return Markup(html)  # noqa: S704 (our own template's output, cached as is)


# Knowing when readers would see a change -------------------------------------


def is_visible_change(instance, deleted: bool = False) -> bool:
    state = sa.inspect(instance)
    if isinstance(instance, Post):
        statuses = {instance.status, *state.attrs.status.history.deleted}
        return PostStatus.PUBLISHED in statuses
    if isinstance(instance, Comment):
        statuses = {instance.status, *state.attrs.status.history.deleted}
        return bool(statuses & VISIBLE_COMMENT_STATES)
    if isinstance(instance, Tag):
        return True
    if isinstance(instance, User):  # authors' names are on their posts
        return deleted or state.attrs.display_name.history.has_changes()
    return False


def note_visible_changes(session, flush_context) -> None:
    if session.info.get("visible_changes"):
        return
    changed = [*session.new, *session.dirty]
    if any(is_visible_change(item) for item in changed) or any(
        is_visible_change(item, deleted=True) for item in session.deleted
    ):
        session.info["visible_changes"] = True


def note_bulk_changes(execute_state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements (imports, bulk moderation) bypass the flush:
    assume readers see them."""
    writes = execute_state.is_insert or execute_state.is_update or execute_state.is_delete
    if writes and execute_state.statement.table.name in SHOWN_TABLES:
        execute_state.session.info["visible_changes"] = True


def start_new_generation(session) -> None:
    if session.info.pop("visible_changes", False) and current_app:
        new_generation()


def forget_changes(session, previous_transaction) -> None:
    session.info.pop("visible_changes", None)


# Whole pages -----------------------------------------------------------------


def is_cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD") or request.blueprint not in CACHED_BLUEPRINTS:
        return False
    if session.keys() - IMPERSONAL_SESSION_KEYS:
        return False
    personal_cookies = (
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        DETAILS_COOKIE,
    )
    return not any(name in request.cookies for name in personal_cookies)


def page_key() -> str:
    return version_key("page", address(request.environ))


def address(environ: dict) -> str:
    """The URL as the WSGI server saw it: the same string in Flask and in CookielessPages.

    The host is part of it because pages carry absolute links (canonical, feeds).
    """
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    query = environ.get("QUERY_STRING", "")
    return f"{environ['wsgi.url_scheme']}://{host}{environ.get('PATH_INFO', '')}?{query}"


def placeholder(name: str) -> bytes:
    """Unguessable, so no comment can plant one to be filled with a reader's token."""
    secret = current_app.config["SECRET_KEY"].encode()
    return (
        f"page-cache-{name}-{hmac.new(secret, name.encode(), 'sha256').hexdigest()[:24]}".encode()
    )


def personal(name: str, value: str, make: Callable[[], str]) -> None:
    """Mark a value on this page as the reader's own: cached pages get a fresh one."""
    g.setdefault("personal_values", {})[name] = (value, make)


def serve_cached_page() -> Response | None:
    if not is_cacheable_request():
        return None
    entry = cache.get(page_key())
    if entry is None:
        g.page_cache_miss = True
        return None
    body = entry.body
    for _, slot, make in entry.slots:
        body = body.replace(slot, make().encode())
    response = Response(body, mimetype=entry.mimetype)
    if not entry.slots:
        response.set_etag(entry.etag)
        response.last_modified = entry.last_modified
    return response


def store_page(response: Response) -> Response:
    if not g.get("page_cache_miss") or response.status_code != 200 or response.direct_passthrough:
        return response
    values = dict(g.get("personal_values", {}))
    if g.get("csrf_token"):
        values["csrf_token"] = (g.csrf_token, generate_csrf)
    body = response.get_data()
    slots = []
    for name, (value, make) in values.items():
        body = body.replace(value.encode(), placeholder(name))
        slots.append((name, placeholder(name), make))
    etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()
    if response.last_modified:  # the view knows best (feeds: their newest entry)
        last_modified = response.last_modified.timestamp()
    else:
        last_modified = current_generation().changed_at
    headers = tuple((name, value) for name, value in response.headers.items()
                    if name.lower() not in PER_RESPONSE_HEADERS)  # fmt: skip
    entry = Entry(body, response.mimetype, etag, last_modified, headers, tuple(slots))
    cache.set(page_key(), entry)
    if not slots:
        response.set_etag(etag)
        response.last_modified = last_modified
    return response


def csrf_token_for(session) -> str:
    """What flask_wtf.csrf.generate_csrf gives, for a session made outside a request.

    The raw token goes in the session, the signed one in the form, exactly as
    Flask-WTF does, so its validate_csrf accepts it (tests/test_pagecache.py).
    """
    config = current_app.config
    raw = hashlib.sha1(os.urandom(64), usedforsecurity=False).hexdigest()
    session[config.get("WTF_CSRF_FIELD_NAME", "csrf_token")] = raw
    return csrf_serializer(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key).dumps(raw)


@functools.lru_cache(maxsize=8)
def csrf_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")


class CookielessPages:
    """Serve stored pages to browsers that send no cookie, without entering Flask.

    Such a reader (a first visit, a feed reader, a crawler) has no session,
    no login and nothing personal, so a stored page is theirs as it is, or,
    when it holds a comment form, with a new session cookie, CSRF token and
    stamp of their own.
    """

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] in ("GET", "HEAD") and "HTTP_COOKIE" not in environ:
            entry = self.stored_entry(environ)
            if entry is not None and entry.slots:
                return self.respond_personally(entry, environ, start_response)
            if entry is not None:
                return self.respond(entry, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def stored_entry(self, environ) -> Entry | None:
        store = self.app.extensions["cache"][cache]
        generation = store.get(GENERATION_KEY)
        if generation is None or (generation.next_due is not None
                                  and generation.next_due <= time.time()):  # fmt: skip
            return None  # a scheduled post is due, or not looked up yet: the app decides
        entry = store.get(store_key("page", generation.token, self.app, address(environ)))
        return entry

    def respond(self, entry: Entry, environ, start_response):
        headers = [*entry.headers, ("Cache-Control", f"public, max-age={PUBLIC_MAX_AGE}")]
        last_modified = datetime.fromtimestamp(entry.last_modified, UTC)
        if not is_resource_modified(environ, etag=entry.etag, last_modified=last_modified):
            start_response("304 NOT MODIFIED", [item for item in headers
                                                if item[0].lower() != "content-type"])  # fmt: skip
            return []
        headers.append(("Content-Length", str(len(entry.body))))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def respond_personally(self, entry: Entry, environ, start_response):
        app = self.app
        with app.app_context():
            session = app.session_interface.session_class()
            body = entry.body
            for name, slot, make in entry.slots:
                value = csrf_token_for(session) if name == "csrf_token" else make()
                body = body.replace(slot, value.encode())
            cookies = Response()
            app.session_interface.save_session(app, session, cookies)
        headers = [item for item in entry.headers if item[0].lower() not in VALIDATORS]
        headers += [("Set-Cookie", cookie) for cookie in cookies.headers.getlist("Set-Cookie")]
        headers += [("Cache-Control", "private, no-cache"), ("Vary", "Cookie"),
                    ("Content-Length", str(len(body)))]  # fmt: skip
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
