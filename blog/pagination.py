"""Reading page numbers strictly: anything but a sane page number is a 404."""

import re

from flask import abort, request

_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def page_arg(name: str = "page", default: int | None = 1) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _PAGE.fullmatch(raw):
        abort(404)
    return int(raw)
