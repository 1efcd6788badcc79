"""Times are stored in UTC and shown in the site's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app


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
