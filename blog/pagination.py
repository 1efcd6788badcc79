"""Reading ``?page=N`` strictly: anything but a sane page number is a 404."""

import re

from flask import abort, request

_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def page_arg() -> int:
    raw = request.args.get("page", "1")
    if not _PAGE.fullmatch(raw):
        abort(404)
    return int(raw)
