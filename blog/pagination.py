"""Pages of lists, and reading numbers from URLs strictly (anything odd is a 404)."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, request
from werkzeug.routing import IntegerConverter

from blog.extensions import db

_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def page_arg(name: str = "page", default: int | None = 1) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _PAGE.fullmatch(raw):
        abort(404)
    return int(raw)


# The largest id an INTEGER column holds on PostgreSQL (and far below SQLite's).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<id:name>`` in a route: a positive row id, anything else is a 404."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)


def row_id(value) -> int | None:
    """A form or query value as a row id, or None when it cannot be one."""
    text = str(value or "")
    # isdigit() alone admits "²", which int() refuses; the length keeps int() cheap.
    if not (text.isascii() and text.isdigit() and len(text) <= 20):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None


@dataclass
class Window:
    """One page of a list, found without counting the whole list."""

    items: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def window(select: sa.Select, page: int, per_page: int, rows: bool = False) -> Window:
    """Fetch one row more than a page shows: it tells whether another page follows.

    A page past the end is a 404. ``rows`` keeps whole result rows (for
    selects of several columns) instead of their first column.
    """
    result = db.session.execute(select.limit(per_page + 1).offset((page - 1) * per_page))
    items = result.all() if rows else result.scalars().all()
    if page > 1 and not items:
        abort(404)
    return Window(items[:per_page], page, len(items) > per_page)
