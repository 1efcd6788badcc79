"""What templates may call: site settings, dates and URLs."""

import calendar
from datetime import datetime

from flask import Flask, current_app
from markupsafe import Markup

from blog.dates import to_local
from blog.forms import CSRF_EXPIRED_MESSAGE
from blog.posts.views import post_url
from blog.text import safe_web_url, summary


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(site_settings)
    app.add_template_global(CSRF_EXPIRED_MESSAGE, "csrf_expired_message")
    app.add_template_global(post_url)
    app.add_template_global(month_name)
    app.add_template_filter(time_tag)
    app.add_template_filter(summary)
    app.add_template_filter(local_datetime)
    app.add_template_filter(safe_web_url, "web_url")


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


def month_name(month: int) -> str:
    return calendar.month_name[month]


def time_tag(moment: datetime, with_time: bool = False) -> Markup:
    """``<time datetime="UTC ISO">local date</time>``."""
    return Markup('<time datetime="{}">{}</time>').format(
        moment.isoformat(timespec="seconds"), local_datetime(moment, with_time)
    )


def local_datetime(moment: datetime, with_time: bool = True) -> str:
    local = to_local(moment)
    day = f"{local:%B} {local.day}, {local.year}"
    return f"{day} at {local:%H:%M}" if with_time else day
