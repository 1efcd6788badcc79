"""Dates and numbers in the site's language and time zone (blog/dates.py, blog/templating.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import format_decimal

from blog import dates
from blog.admin.posts import when
from blog.extensions import db
from blog.models import Comment, CommentStatus, utcnow
from blog.templating import time_ago, time_tag
from tests.conftest import post_form
from tests.test_site_settings import sent

# 22:30 UTC on December 2: still the 2nd in New York, already the 3rd in Moscow.
LATE_EVENING = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
# CLDR keeps the year's abbreviation on the line of the year: «2026 г.».
G = "\N{NARROW NO-BREAK SPACE}г."


def shown(app, language: str, zone: str, show, *args) -> str:
    app.config.update(LANGUAGE=language, TIME_ZONE=zone)
    with app.test_request_context("/"):
        return show(*args)


@pytest.mark.parametrize(
    ("language", "zone", "date", "date_and_time"),
    [
        ("en", "America/New_York", "December 2, 2026", "December 2, 2026 at 17:30"),
        ("en", "Europe/Moscow", "December 3, 2026", "December 3, 2026 at 01:30"),
        ("ru", "America/New_York", f"2 декабря 2026{G}", f"2 декабря 2026{G}"),
        ("ru", "Europe/Moscow", f"3 декабря 2026{G}", f"3 декабря 2026{G}"),
    ],
)
def test_one_instant_in_two_languages_and_two_time_zones(app, language, zone, date, date_and_time):
    assert shown(app, language, zone, dates.long_date, LATE_EVENING) == date
    assert shown(app, language, zone, dates.long_datetime, LATE_EVENING).startswith(date_and_time)
    time = "17:30" if zone == "America/New_York" else "01:30"
    assert shown(app, language, zone, dates.time_of_day, LATE_EVENING) == time


def test_the_time_tag_keeps_the_instant_in_utc_for_machines(app):
    html = shown(app, "ru", "Europe/Moscow", time_tag, LATE_EVENING, True)
    assert html.startswith(f'<time datetime="2026-12-02T22:30:00+00:00">3 декабря 2026{G}')
    assert "01:30" in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "March 2021"), ("ru", f"март 2021{G}"), ("de", "März 2021")],
)
def test_an_archive_month_is_named_as_the_language_names_it(app, language, heading):
    assert shown(app, language, "UTC", dates.month_and_year, 2021, 3) == heading


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [("en", "2 hours ago", "in 3 days"), ("ru", "2 часа назад", "через 3 дня")],
)
def test_the_relative_form_says_how_long_ago_or_how_soon(app, language, before, after):
    now = utcnow()
    assert shown(app, language, "UTC", dates.relative_time, now - timedelta(hours=2)) == before
    assert shown(app, language, "UTC", dates.relative_time, now + timedelta(days=3)) == after


def test_the_relative_form_carries_the_exact_time_for_machines_and_people(app):
    moment = utcnow() - timedelta(minutes=5)
    html = shown(app, "en", "UTC", time_ago, moment)
    exact = shown(app, "en", "UTC", dates.long_datetime, moment)
    iso = moment.isoformat(timespec="seconds")
    assert html == f'<time class="time-ago" datetime="{iso}" title="{exact}">5 minutes ago</time>'


@pytest.mark.parametrize(
    ("language", "number"), [("en", "1,234"), ("ru", "1\N{NO-BREAK SPACE}234"), ("de", "1.234")]
)
def test_numbers_are_grouped_as_the_language_groups_them(app, language, number):
    assert shown(app, language, "UTC", format_decimal, 1234) == number


def test_the_archive_and_the_sidebar_name_months_in_the_sites_language(app, client, make_post):
    make_post("Весна", published_at=datetime(2021, 3, 4, 12, tzinfo=UTC))
    app.config["LANGUAGE"] = "ru"
    archive = client.get("/2021/03/").get_data(as_text=True)
    assert f"март 2021{G}</h1>" in archive
    assert f"4 марта 2021{G}" in archive
    home = client.get("/").get_data(as_text=True)
    assert f">март 2021{G}</a>" in home


def test_the_moderation_queue_says_how_long_ago_in_the_authors_language(
    app, client, auth, make_post
):
    post_id = make_post("Discussed")
    written = utcnow() - timedelta(hours=2, minutes=1)
    with app.app_context():
        db.session.add(
            Comment(post_id=post_id, author_name="Pat", author_email="pat@example.com",
                    body="Held?", status=CommentStatus.PENDING, created_at=written)
        )  # fmt: skip
        db.session.commit()
    auth.login()
    english = client.get("/admin/comments?status=pending").get_data(as_text=True)
    russian = client.get("/admin/comments?status=pending", headers={"Accept-Language": "ru"})
    iso = written.isoformat(timespec="seconds")
    assert f'<time class="time-ago" datetime="{iso}" title="' in english
    assert ">2 hours ago</time>" in english
    assert ">2 часа назад</time>" in russian.get_data(as_text=True)


def test_the_editors_date_note_names_the_day_in_the_sites_language_and_zone(app):
    moment = datetime(2099, 12, 3, 8, tzinfo=UTC)
    english = shown(app, "en", "Europe/Berlin", when, moment)
    assert english == "December 3, 2099 at 09:00, Europe/Berlin"
    russian = shown(app, "ru", "Europe/Berlin", when, moment)
    assert russian.startswith(f"3 декабря 2099{G}") and russian.endswith("09:00, Europe/Berlin")


@pytest.mark.parametrize("zone", ["Factory", "localtime"])
def test_every_zone_the_settings_accept_shows_dates(app, client, auth, make_post, zone):
    """Zones zoneinfo knows and pytz (Flask-Babel's default lookup) does not."""
    make_post("Spring", published_at=datetime(2021, 3, 4, 12, tzinfo=UTC))
    auth.login_through_session()
    saved = post_form(client, "/admin/settings", sent(time_zone=zone, language="en"))
    assert saved.status_code == 302
    assert "March 2021" in client.get("/").get_data(as_text=True)
    assert f"{zone})" in client.get("/admin/posts/new").get_data(as_text=True)
