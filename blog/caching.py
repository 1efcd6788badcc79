"""HTTP caching for public pages: validators, 304s and who may keep a copy.

A page shown to a browser that has a session (a form token, a logged-in
author, a reader's own held comment) or that sets a cookie is private to
that browser; anything else may be kept by shared caches for a few
minutes. Both carry an ETag of their bytes, so a revalidation that finds
nothing changed answers 304 with no body.
"""

from flask import Flask, Response, request, session

PUBLIC_BLUEPRINTS = frozenset({"posts", "feeds", "discovery"})
PUBLIC_MAX_AGE = 300


def init_app(app: Flask) -> None:
    app.after_request(add_validators)


def add_validators(response: Response) -> Response:
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or request.blueprint not in PUBLIC_BLUEPRINTS
        or response.direct_passthrough
    ):
        return response
    if "Cache-Control" not in response.headers:
        if session or session.modified or "Set-Cookie" in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    if not response.get_etag()[0]:
        response.add_etag()
    return response.make_conditional(request)
