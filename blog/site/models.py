"""What the administrator shapes in the browser: the settings, pages and the menu."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from blog.extensions import db
from blog.models import COMMENTS, SITE, UTCDateTime, utcnow

THE_SETTINGS = 1  # the id of the one row


class StoredSettings(db.Model):
    """The values saved at /admin/settings: one row, one JSON document.

    ``version`` goes up with every save, so each worker can tell with one
    small query whether what it holds is still current (blog/site/settings.py).
    """

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """The title, language, time zone and comment rules are on every page and feed."""
        return {SITE, COMMENTS}


class MenuKind(enum.StrEnum):
    HOME = "home"
    PAGE = "page"
    TAG = "tag"
    YEAR = "year"  # one year's archive
    FEED = "feed"
    COMMENTS_FEED = "comments-feed"
    URL = "url"  # any address


class MenuItem(db.Model):
    """One link of the menu in the header, in its place."""

    __tablename__ = "menu_items"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('home', 'page', 'tag', 'year', 'feed', 'comments-feed', 'url')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16))
    # The page's or tag's id, or the year; a page or tag deleted since drops out of the menu.
    target_id: Mapped[int | None]
    url: Mapped[str] = mapped_column(sa.String(500), default="")

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """The menu is in every page's header."""
        return {SITE}
