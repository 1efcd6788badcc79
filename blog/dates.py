"""Times are stored in UTC and shown in the site's time zone and language.

Shown dates go through Babel (flask_babel), whose locale and time zone come
from blog/i18n.py's selectors: the site's ``LANGUAGE`` on the public site, the
author's browser in the admin, and ``TIME_ZONE`` everywhere. Feeds, sitemaps
and ``<time datetime>`` keep machine formats (RFC 3339, ISO 8601).

The formats, per locale, are CLDR's: the long date ("December 3, 2026",
«3 декабря 2026 г.»), the 24-hour time ("09:00"), the month and year
("March 2021", «март 2021 г.»), and "2 hours ago" («2 часа назад»).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from flask import current_app
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _


def site_zone() -> ZoneInfo:
    name = current_app.config["TIME_ZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        current_app.logger.warning("Unknown TIME_ZONE %r; showing UTC", name)
        return ZoneInfo("UTC")


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(site_zone())


def from_local(naive: datetime) -> datetime:
    """A wall-clock time the author typed, read in the site's zone, as UTC."""
    return naive.replace(tzinfo=site_zone()).astimezone(UTC)


def shown_locale() -> Locale:
    return get_locale() or Locale("en")


def long_date(moment: datetime) -> str:
    """The day, in full: "December 3, 2026", «3 декабря 2026 г.»."""
    # format_datetime, not format_date: only it moves the moment into the site's zone.
    return format_datetime(moment, shown_locale().date_formats["long"].pattern)


def time_of_day(moment: datetime) -> str:
    """Hours and minutes on the 24-hour clock, as the locale writes them: "09:00"."""
    return format_datetime(moment, shown_locale().datetime_skeletons["Hm"].pattern)


def long_datetime(moment: datetime) -> str:
    """ "December 3, 2026 at 09:00", «3 декабря 2026 г. в 09:00»."""
    # CLDR's own glue is "{1}, {0}" in every locale Babel has; "at" reads better.
    return _("%(date)s at %(time)s", date=long_date(moment), time=time_of_day(moment))


def month_and_year(year: int, month: int) -> str:
    """An archive's heading: "March 2021", «март 2021 г.» (the month standing alone)."""
    first_day = datetime(year, month, 1, 12, tzinfo=site_zone())
    return format_datetime(first_day, shown_locale().datetime_skeletons["yMMMM"].pattern)


def relative_time(moment: datetime) -> str:
    """How long ago (or how soon): "2 hours ago", «через 3 дня»."""
    return format_timedelta(moment - datetime.now(UTC), add_direction=True)
