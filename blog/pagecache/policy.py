"""The page cache's rules in one place: which requests it answers, under which key.

Both the Flask hooks (blog/pagecache/pages.py) and the WSGI layer in front of
Flask (blog/pagecache/wsgi.py) ask this object, so they can never disagree.

A key carries everything the bytes of a page depend on: the scheme, the host,
the script root, the path, the query parameters that pages read, and the
language the page is made in: the site's ``LANGUAGE`` (which a save in
Settings changes while the blog runs, and the new language never gets a page
stored in the old one), or in the admin the author's own, so a menu made for
an author reading the admin in Arabic never reaches an English page. Other
parameters (``utm_*``, ``fbclid``, anything made up) reach the same stored
page, so a flood of them stores nothing. Pages are stored only for the hosts
the blog answers to (``TRUSTED_HOSTS``, ``SERVER_NAME``, or on the defaults
this machine's own names), so a thousand made-up ``Host`` values store nothing
either.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.sansio.utils import host_is_trusted

from blog.comments.browser import DETAILS_COOKIE
from blog.i18n import in_admin

# Every query parameter a cached blueprint reads: lists and archives (page), a
# post's discussion (cpage, replytocom), search (q), and the WordPress links
# answered on the home page's address (blog/redirects.py). A view that starts
# reading another must add it here (tests/test_pagecache_policy.py checks).
QUERY_PARAMETERS = frozenset({"page", "cpage", "replytocom", "q", "p", "page_id", "feed", "s",
                              "m", "tag"})  # fmt: skip
CACHED_BLUEPRINTS = frozenset({"posts", "pages", "feeds", "discovery"})
# Session keys an anonymous reader may have without the page being theirs: the
# form token, and Flask-Login's mark that this session has logged nobody in afresh.
IMPERSONAL_SESSION_KEYS = frozenset({"csrf_token", "_fresh"})
# On the defaults (no TRUSTED_HOSTS, no SERVER_NAME), the names of this machine.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Policy:
    # What pages depend on besides the content (settings, code): part of every key.
    fingerprint: str
    cacheable_hosts: tuple[str, ...]
    personal_cookies: frozenset[str]
    # The app's live config, read as each key is made: Settings change it in place.
    config: Mapping = field(compare=False, repr=False)

    @classmethod
    def for_app(cls, app: Flask, fingerprint: str) -> "Policy":
        config = app.config
        hosts = config["TRUSTED_HOSTS"] or (
            [config["SERVER_NAME"].partition(":")[0]] if config["SERVER_NAME"] else LOCAL_HOSTS
        )
        remember = config.get("REMEMBER_COOKIE_NAME", "remember_token")
        return cls(fingerprint, tuple(hosts), frozenset({remember, DETAILS_COOKIE}), config)

    # Requests ---------------------------------------------------------------

    def host_is_cacheable(self, environ: dict) -> bool:
        """A host the blog answers to, as such a reader's browser writes it."""
        host = environ.get("HTTP_HOST", "")
        return (
            host == host.lower()
            and port_of(host) in ("", environ.get("SERVER_PORT"))
            and host_is_trusted(host, self.cacheable_hosts)
        )

    def may_answer_before_flask(self, environ: dict) -> bool:
        """A browser with no cookie has nothing personal: its page may come from the store."""
        return (
            environ["REQUEST_METHOD"] in ("GET", "HEAD")
            and "HTTP_COOKIE" not in environ
            and self.host_is_cacheable(environ)
        )

    def is_personal(self) -> bool:
        """This reader's pages show something of theirs: never a stored page."""
        return bool(
            current_user.is_authenticated
            or session.keys() - IMPERSONAL_SESSION_KEYS
            or any(name in request.cookies for name in self.personal_cookies)
        )

    def is_cacheable(self) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and request.blueprint in CACHED_BLUEPRINTS
            and self.host_is_cacheable(request.environ)
            and not self.is_personal()
        )

    def is_private(self, response) -> bool:
        """Whether a response is for this browser alone (shared caches must not keep it).

        Not the same as personal: a stored page with a reader's own form token
        is served from the store, but only this reader may keep it.
        """
        return bool(session or session.modified or "Set-Cookie" in response.headers)

    # Keys -------------------------------------------------------------------

    def page_key(self, environ: dict) -> str:
        return f"page:{self.prefix()}:{base(environ)}{environ.get('PATH_INFO', '')}?" + (
            canonical_query(environ.get("QUERY_STRING", ""))
        )

    def fragment_key(self, name: str, environ: dict) -> str:
        """A fragment's links depend on the scheme, host and script root, like pages'."""
        return f"fragment:{self.prefix()}:{base(environ)}:{name}"

    def prefix(self) -> str:
        """What every key starts with: the code and settings, and the language spoken."""
        return f"{self.fingerprint}:{self.language()}"

    def language(self) -> str:
        """The site's language, or the admin's (never cached pages, but the menu fragment)."""
        # Not get_locale() on public requests: this runs before the settings are
        # taken up, and Flask-Babel would keep the old language for the request.
        if has_request_context() and in_admin():
            return str(get_locale())
        return self.config["LANGUAGE"]


def port_of(host: str) -> str:
    """The port of a ``Host`` value: ``example.org:8000``, ``[::1]:8000``."""
    if host.startswith("["):
        return host.partition("]")[2].removeprefix(":")
    return host.partition(":")[2]


def base(environ: dict) -> str:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return f"{environ['wsgi.url_scheme']}://{host}{environ.get('SCRIPT_NAME', '')}"


def canonical_query(query: str) -> str:
    """The parameters pages read, in a fixed order: the same page, the same key."""
    pairs = parse_qsl(query, keep_blank_values=True)
    read = [(name, value) for name, value in pairs if name in QUERY_PARAMETERS]
    return urlencode(sorted(read, key=lambda pair: pair[0]))  # stable: repeated values keep order


def policy() -> Policy:
    return current_app.extensions["page_cache_policy"]
