"""Whole pages and fragments, stored and served from Flask's request hooks.

A page is stored once for every reader with nothing personal; the parts
that differ between readers (the comment form's CSRF token and signed
stamp) are stored as placeholders and filled in for each reader. The
sidebar, which every reader's page shows and which changes with every
approved comment, is not baked into the pages: it is a fragment of its own,
spliced in when a page is served, so a new comment re-renders one post page
and one sidebar instead of the whole site.
"""

import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Response, current_app, g, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from blog.extensions import cache
from blog.models import SITE
from blog.pagecache import versions
from blog.pagecache.policy import CACHED_BLUEPRINTS, policy

PUBLIC_MAX_AGE = 300
# Headers made for each response, never stored with a page.
PER_RESPONSE_HEADERS = frozenset({"cache-control", "set-cookie", "content-length", "vary",
                                  "x-cache", "etag", "last-modified"})  # fmt: skip


@dataclass(frozen=True)
class Fragment:
    html: str
    versions: tuple[tuple[str, str], ...]  # (topic, token): what it was made from
    changed_at: float
    etag: str


@dataclass(frozen=True)
class Entry:
    body: bytes
    mimetype: str
    etag: str
    last_modified: float
    # The response's own headers (security policy and the like), for the WSGI layer.
    headers: tuple[tuple[str, str], ...]
    versions: tuple[tuple[str, str], ...]
    # (name, placeholder, render, topics) of each fragment spliced in when served
    fragments: tuple[tuple[str, bytes, Callable[[], str], tuple[str, ...]], ...]
    # (name, placeholder, function making the reader's own value) for each personal part
    slots: tuple[tuple[str, bytes, Callable[[], str]], ...]

    def topics(self) -> set[str]:
        """Every topic whose version decides whether this entry may be served."""
        return {topic for topic, _ in self.versions} | {
            topic for *_, topics in self.fragments for topic in topics
        }

    def assembled(self, fragments: list[Fragment]) -> bytes:
        body = self.body
        for (_, slot, *_), piece in zip(self.fragments, fragments, strict=True):
            body = body.replace(slot, piece.html.encode())
        return body

    def served_etag(self, fragments: list[Fragment]) -> str:
        return "-".join([self.etag, *(piece.etag for piece in fragments)])

    def served_last_modified(self, fragments: list[Fragment]) -> float:
        return max([self.last_modified, *(piece.changed_at for piece in fragments)])


def placeholder(name: str) -> bytes:
    """Unguessable, so no comment can plant one to be filled with a reader's token."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, name.encode(), "sha256").hexdigest()[:24]
    return f"page-cache-{name}-{digest}".encode()


def digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


# What views declare ------------------------------------------------------------


def depends_on(*topics: str) -> None:
    """This page shows these topics too (every page shows the SITE).

    Call it before loading what the topic covers: its version is read now, so
    a change committed while the page renders makes the stored page stale.
    """
    versions.current(topics)
    g.setdefault("page_topics", {SITE}).update(topics)


def shows(*topics: str):
    """Decorate a view whose pages show these topics (besides the SITE)."""

    def decorate(view):
        @functools.wraps(view)
        def view_showing_topics(*args, **kwargs):
            depends_on(*topics)
            return view(*args, **kwargs)

        return view_showing_topics

    return decorate


def personal(name: str, value: str, make: Callable[[], str]) -> None:
    """Mark a value on this page as the reader's own: cached pages get a fresh one."""
    g.setdefault("personal_values", {})[name] = (value, make)


def fragment(
    name: str, render: Callable[[], str], topics: Iterable[str] = (SITE,), spliced: bool = False
) -> Markup:
    """A piece of HTML that only depends on ``topics``, rendered once a version.

    A ``spliced`` fragment is not stored inside the pages that show it: they
    take its current version from the store each time they are served.
    """
    topics = tuple(topics)
    piece = current_piece(name, render, topics)
    if spliced and piece.html:
        g.setdefault("spliced", {})[name] = (piece, render, topics)
    elif spliced:  # nothing to find in the page: the page itself depends on its topics
        depends_on(*topics)
    return Markup(piece.html)  # noqa: S704 (our own template's output, cached as is)


def current_piece(name: str, render: Callable[[], str], topics: tuple[str, ...]) -> Fragment:
    """The stored fragment if it is current, else a new one (stored for the blog's own hosts)."""
    made_from = versions.current(topics)
    key = policy().fragment_key(name, request.environ)
    storable = policy().host_is_cacheable(request.environ)
    piece = cache.get(key) if storable else None
    if piece is None or not versions.is_current(piece.versions, made_from):
        html = render()
        changed_at = max(version.changed_at for version in made_from.values())
        piece = Fragment(html, versions.tokens(made_from), changed_at, digest(html.encode()))
        if storable:
            cache.set(key, piece)
    return piece


# The request hooks ---------------------------------------------------------------


def serve_cached_page() -> Response | None:
    if not policy().is_cacheable():
        return None
    depends_on(SITE)  # read first: see depends_on
    entry = cache.get(policy().page_key(request.environ))
    if entry is None or not versions.is_current(entry.versions, versions.current(entry.topics())):
        g.page_cache_miss = True
        return None
    pieces = [current_piece(name, render, topics) for name, _, render, topics in entry.fragments]
    body = entry.assembled(pieces)
    for _, slot, make in entry.slots:
        body = body.replace(slot, make().encode())
    response = Response(body, mimetype=entry.mimetype, headers={"X-Cache": "HIT"})
    if not entry.slots:
        response.set_etag(entry.served_etag(pieces))
        response.last_modified = entry.served_last_modified(pieces)
    return response


def store_page(response: Response) -> Response:
    if not g.get("page_cache_miss") or response.status_code != 200 or response.direct_passthrough:
        return response
    response.headers["X-Cache"] = "MISS"
    body, fragments, pieces = cut_out_fragments(response.get_data())
    body, slots = cut_out_personal_values(body)
    made_from = versions.current(g.page_topics)
    if response.last_modified:  # the view knows best (feeds: their newest entry)
        last_modified = response.last_modified.timestamp()
    else:
        last_modified = max(version.changed_at for version in made_from.values())
    headers = tuple((name, value) for name, value in response.headers.items()
                    if name.lower() not in PER_RESPONSE_HEADERS)  # fmt: skip
    entry = Entry(body, response.mimetype, digest(body), last_modified, headers,
                  versions.tokens(made_from), fragments, slots)  # fmt: skip
    cache.set(policy().page_key(request.environ), entry)
    if not slots:
        response.set_etag(entry.served_etag(pieces))
        response.last_modified = entry.served_last_modified(pieces)
    return response


def cut_out_fragments(body: bytes) -> tuple[bytes, tuple, list[Fragment]]:
    """The page without its spliced fragments, each replaced by a placeholder."""
    fragments, pieces = [], []
    for name, (piece, render, topics) in g.get("spliced", {}).items():
        body = body.replace(piece.html.encode(), placeholder(name))
        fragments.append((name, placeholder(name), render, topics))
        pieces.append(piece)
    return body, tuple(fragments), pieces


def cut_out_personal_values(body: bytes) -> tuple[bytes, tuple]:
    """The page without this reader's own values, each replaced by a placeholder."""
    values = dict(g.get("personal_values", {}))
    if g.get("csrf_token"):
        values["csrf_token"] = (g.csrf_token, generate_csrf)
    slots = []
    for name, (value, make) in values.items():
        body = body.replace(value.encode(), placeholder(name))
        slots.append((name, placeholder(name), make))
    return body, tuple(slots)


def add_validators(response: Response) -> Response:
    """HTTP caching: who may keep a copy, and 304s for revalidations that find no change.

    A page for a browser with a session (a form token, a logged-in author, a
    reader's own held comment) is private to it; anything else may be kept by
    shared caches for a few minutes.
    """
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or request.blueprint not in CACHED_BLUEPRINTS
        or response.direct_passthrough
    ):
        return response
    if "Cache-Control" not in response.headers:
        if policy().is_private(response):
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    if not response.get_etag()[0]:
        response.add_etag()
    return response.make_conditional(request)
