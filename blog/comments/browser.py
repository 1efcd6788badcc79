"""What a commenter's browser remembers: their held comments and, if asked, their details."""

import json

from flask import Response, current_app, request, session

OWN_COMMENTS = "own_comments"
OWN_COMMENTS_KEPT = 50
DETAILS_COOKIE = "comment_author"
DETAIL_FIELDS = ("author", "email", "url")


def own_comment_ids() -> list[int]:
    """Comments posted from this browser, so their author sees them while they are held."""
    return [item for item in session.get(OWN_COMMENTS, []) if isinstance(item, int)]


def remember_own_comment(comment_id: int) -> None:
    session[OWN_COMMENTS] = [*own_comment_ids()[-(OWN_COMMENTS_KEPT - 1) :], comment_id]


def saved_details() -> dict[str, str]:
    """Name, email and website saved by the "Save my name…" checkbox, if any."""
    try:
        details = json.loads(request.cookies.get(DETAILS_COOKIE, ""))
    except ValueError:
        return {}
    if not isinstance(details, dict):
        return {}
    return {key: str(details[key])[:254] for key in DETAIL_FIELDS if key in details}


def store_details(response: Response, form) -> None:
    """Set the cookie only when the box is ticked; unticking forgets the details."""
    if form.save_details.data:
        details = {key: getattr(form, key).data or "" for key in DETAIL_FIELDS}
        response.set_cookie(
            DETAILS_COOKIE,
            json.dumps(details),
            max_age=current_app.config["COMMENT_COOKIE_DAYS"] * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    elif DETAILS_COOKIE in request.cookies:
        response.delete_cookie(DETAILS_COOKIE, samesite="Lax")
