"""What templates may call: site settings, dates and URLs (built in blog/urls.py)."""

import hashlib
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for
from markupsafe import Markup, escape
from werkzeug.security import safe_join

from blog import roles
from blog.dates import long_date, long_datetime, month_and_year, relative_time
from blog.forms import CSRF_EXPIRED_MESSAGE
from blog.text import safe_web_url, summary
from blog.urls import post_feed_url, post_url


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = app.config["TEMPLATE_BYTECODE_CACHE"]
    app.context_processor(site_settings)
    app.add_template_global(CSRF_EXPIRED_MESSAGE, "csrf_expired_message")
    app.add_template_global(post_url)
    app.add_template_global(roles.may_edit)
    app.add_template_global(month_and_year)
    app.add_template_global(post_feed_url)
    app.add_template_global(asset_url)
    app.add_template_filter(time_tag)
    app.add_template_filter(time_ago)
    app.add_template_filter(summary)
    app.add_template_filter(local_datetime)
    app.add_template_filter(safe_web_url, "web_url")
    app.add_template_filter(keyboard_scrollable)
    app.after_request(cache_versioned_assets)


def site_settings() -> dict:
    config = current_app.config
    return {
        "site": {
            "title": config["SITE_TITLE"],
            "tagline": config["SITE_TAGLINE"],
            "description": config["SITE_DESCRIPTION"] or config["SITE_TAGLINE"],
            "language": config["LANGUAGE"],
        }
    }


def time_tag(moment: datetime, with_time: bool = False) -> Markup:
    """``<time datetime="UTC ISO">local date</time>``."""
    return Markup('<time datetime="{}">{}</time>').format(
        moment.isoformat(timespec="seconds"), local_datetime(moment, with_time)
    )


def time_ago(moment: datetime) -> Markup:
    """``<time>2 hours ago</time>``, the exact time in its ``datetime`` and ``title``.

    Only on pages made for one person (the admin): a stored page would keep
    saying "2 hours ago" for days.
    """
    return Markup('<time class="time-ago" datetime="{}" title="{}">{}</time>').format(
        moment.isoformat(timespec="seconds"), local_datetime(moment), relative_time(moment)
    )


def local_datetime(moment: datetime, with_time: bool = True) -> str:
    """The date (and time) in the site's zone and the page's language (blog/dates.py)."""
    return long_datetime(moment) if with_time else long_date(moment)


# Exact start tags only. Stored HTML is the sanitizer's output (blog/text.py):
# it allows <table> no attributes and <pre> only the class of coloured code, and
# escapes every other "<", in text and in attribute values alike, so these can
# only be real tags.
_FOCUSABLE_SCROLL_BOXES = {
    Markup("<pre>"): Markup('<pre tabindex="0">'),
    Markup('<pre class="highlight">'): Markup('<pre class="highlight" tabindex="0">'),
    Markup("<table>"): Markup('<table tabindex="0">'),
}


def keyboard_scrollable(html: str) -> Markup:
    """Code blocks and tables scroll inside their own box: make them focusable.

    Chrome and Firefox let the keyboard scroll such a box anyway; Safari only
    does when it can be focused (WCAG 2.1.1). Takes HTML already marked safe
    (``|safe``); anything else is escaped first.
    """
    result = html if isinstance(html, Markup) else escape(html)
    for tag, focusable in _FOCUSABLE_SCROLL_BOXES.items():
        result = result.replace(tag, focusable)
    return result


# --- Static files: versioned URLs, cached for a year --------------------------

ASSET_MAX_AGE = 365 * 24 * 3600
# (path, mtime, size) -> short hash of the bytes: each version of a file is
# hashed once per process, and an edited file gets a new URL without a restart.
_asset_versions: dict[tuple[str, int, int], str] = {}


def asset_version(filename: str) -> str | None:
    """A short hash of a static file's bytes, or None if there is no such file."""
    path = safe_join(current_app.static_folder, filename)
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    version = _asset_versions.get(key)
    if version is None:
        version = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
        _asset_versions[key] = version
    return version


def asset_url(filename: str) -> str:
    """``/static/<filename>?v=<hash>``: the URL changes whenever the file does."""
    return url_for("static", filename=filename, v=asset_version(filename))


def cache_versioned_assets(response: Response) -> Response:
    """A static file asked for by its current version may be kept for a year.

    Unversioned (or outdated) URLs keep Flask's default: cached, but revalidated.
    """
    if (
        request.endpoint == "static"
        and response.status_code in (200, 304)
        and request.args.get("v")
        and request.args["v"] == asset_version(request.view_args["filename"])
    ):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = ASSET_MAX_AGE
        response.cache_control.immutable = True
    return response
