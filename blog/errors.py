"""Error pages in the site's layout, and a CSRF failure that keeps the user's text."""

from collections.abc import Callable

from flask import Flask, Response, render_template
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from blog.extensions import csrf, db
from blog.forms import CSRF_EXPIRED_MESSAGE
from blog.i18n import N_

# Translated when shown (N_ only marks them): the page speaks the request's language.
FRIENDLY_MESSAGES = {
    400: N_("The request could not be understood. Please go back and try again."),
    403: N_("You are not allowed to do that."),
    404: N_("Sorry, there is nothing here. It may have moved, or the address may be mistyped."),
    405: N_("That page cannot be used this way."),
    413: N_("That was too much to send at once. Please shorten it and try again."),
    429: N_("Too many requests in a short time. Please wait a moment and try again."),
}
# Werkzeug's names of the errors above, in words the catalogues hold.
ERROR_TITLES = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    413: N_("Request Entity Too Large"),
}


def keeps_input_on_csrf_error(view: Callable) -> Callable:
    """Let a form view answer a bad CSRF token itself, keeping what was typed.

    The global check would reject the request with a bare error page before
    the view runs. For these views its FlaskForm does the same check inside
    ``validate_on_submit()``: the form fails, nothing is written, and the page
    shows the form again with the text, a fresh token and a clear message.
    Only views that write nothing without a validated FlaskForm may use this.
    """
    return csrf.exempt(view)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(InternalServerError, server_error)


def csrf_error(error: CSRFError):
    return error_page(400, _("Please try again"), _(CSRF_EXPIRED_MESSAGE))


def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    custom = error.description != type(error).description
    message = error.description if custom else FRIENDLY_MESSAGES.get(error.code, error.description)
    return error_page(error.code, _(ERROR_TITLES.get(error.code, error.name)), _(message))


def untrusted_host(error: SecurityError):
    """A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either."""
    return Response("Bad Request: this site does not answer to that host name.\n", 400,
                    mimetype="text/plain")  # fmt: skip


def too_many_requests(error: HTTPException):
    # The limiter's own description ("5 per 1 minute") is not for readers.
    limited = isinstance(error, RateLimitExceeded)
    message = FRIENDLY_MESSAGES[429] if limited else error.description
    return error_page(429, _("Slow down a little"), _(message))


def server_error(error: InternalServerError):
    db.session.rollback()
    return error_page(
        500,
        _("Something went wrong"),
        _(
            "Sorry, something went wrong on our side. "
            "It has been logged; please try again in a little while."
        ),
    )


def error_page(code: int, title: str, message: str):
    return render_template("errors/error.html", code=code, title=title, message=message), code
