"""Response headers that make the browser a second wall behind the sanitizer."""

from flask import Flask, Response, current_app, request

from blog.i18n import in_admin

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def served_over_https(wsgi_app):
    """With HTTPS set, every request is an https one, whatever a client's headers say."""

    def https_app(environ, start_response):
        environ["wsgi.url_scheme"] = "https"
        return wsgi_app(environ, start_response)

    return https_app


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["HTTPS"]:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_MAX_AGE']}"
        )
    # By address, not blueprint: /admin has several (users, site, mail_admin…).
    if in_admin() or request.blueprint in ("auth", "account"):
        headers["Cache-Control"] = "no-store"
    return response
