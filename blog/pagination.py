"""Reading numbers from URLs strictly: anything but a sane page or id is a 404."""

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

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
    return int(text) if text.isdigit() and 1 <= int(text[:12]) <= MAX_ROW_ID else None
