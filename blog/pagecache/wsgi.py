"""Stored pages for browsers that send no cookie, served before Flask is entered.

Such a reader (a first visit, a feed reader, a crawler) has no session, no
login and nothing personal, so a stored page is theirs as it is, or, when it
holds a comment form, with a new session cookie, CSRF token and stamp of
their own. Whatever is not settled here (a page or fragment that is stale
or missing, a scheduled post that may be due) is left to Flask.
"""

import functools
import hashlib
import os
from datetime import UTC, datetime

from flask import Flask, Response, current_app
from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import http_date, is_resource_modified

from blog.extensions import cache
from blog.pagecache import versions
from blog.pagecache.pages import PUBLIC_MAX_AGE, Entry, Fragment
from blog.pagecache.policy import Policy


class CookielessPages:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        policy: Policy = self.app.extensions["page_cache_policy"]
        if policy.may_answer_before_flask(environ):
            found = self.stored(environ, policy)
            if found is not None and found[0].slots:
                return self.respond_personally(*found, environ, start_response)
            if found is not None:
                return self.respond(*found, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def stored(self, environ, policy: Policy) -> tuple[Entry, list[Fragment]] | None:
        """The stored page and its fragments, if all of them are current."""
        store = self.app.extensions["cache"][cache]
        entry = store.get(policy.page_key(environ))
        if entry is None:
            return None
        current = versions.stored(store, entry.topics())
        if not all(version.is_settled for version in current.values()):
            return None
        if not versions.is_current(entry.versions, current):
            return None
        pieces = [store.get(policy.fragment_key(name, environ)) for name, *_ in entry.fragments]
        if any(piece is None or not versions.is_current(piece.versions, current)
               for piece in pieces):  # fmt: skip
            return None
        return entry, pieces

    def respond(self, entry: Entry, pieces: list[Fragment], environ, start_response):
        headers = [*entry.headers, ("Cache-Control", f"public, max-age={PUBLIC_MAX_AGE}"),
                   ("X-Cache", "HIT")]  # fmt: skip
        etag = entry.served_etag(pieces)
        last_modified = datetime.fromtimestamp(entry.served_last_modified(pieces), UTC)
        headers += [("ETag", f'"{etag}"'), ("Last-Modified", http_date(last_modified))]
        if not is_resource_modified(environ, etag=etag, last_modified=last_modified):
            start_response("304 NOT MODIFIED", [item for item in headers
                                                if item[0].lower() != "content-type"])  # fmt: skip
            return []
        body = entry.assembled(pieces)
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def respond_personally(self, entry: Entry, pieces: list[Fragment], environ, start_response):
        app = self.app
        with app.app_context():
            session = app.session_interface.session_class()
            body = entry.assembled(pieces)
            for name, slot, make in entry.slots:
                value = csrf_token_for(session) if name == "csrf_token" else make()
                body = body.replace(slot, value.encode())
            cookies = Response()
            app.session_interface.save_session(app, session, cookies)
        # No validators: a page made for one reader is never revalidated.
        headers = [*entry.headers]
        headers += [("Set-Cookie", cookie) for cookie in cookies.headers.getlist("Set-Cookie")]
        headers += [("Cache-Control", "private, no-cache"), ("Vary", "Cookie"), ("X-Cache", "HIT"),
                    ("Content-Length", str(len(body)))]  # fmt: skip
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


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
