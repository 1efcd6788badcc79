"""Text sent from the editor after the session ended, carried through the login.

The author who writes for longer than the session lasts and presses Save is
not logged in any more, and a redirect to the login page would drop the
text. Instead the login page answers that very request, with the text in
hidden fields of the login form: the author's own words, sent back to the
browser they came from, so nothing is stored for a visitor who cannot log
in. A successful login keeps them as the author's autosave and opens the
editor with them, exactly as typed.
"""

from flask import render_template, request, url_for
from werkzeug.datastructures import MultiDict

from blog import revisions
from blog.extensions import db
from blog.models import Post, User
from blog.pagination import row_id

EDITORS = frozenset({"admin.new_post", "admin.edit_post"})
FIELDS = ("title", "slug", "body", "excerpt", "tags", "status", "published_at")
PREFIX = "kept-"
POST_FIELD = PREFIX + "post"
KEPT_NOTICE = (
    "Your session had ended, so your post is not saved yet. Log in and it will be "
    "back in the editor exactly as you typed it."
)


def sent_from_an_editor() -> bool:
    return (
        request.method == "POST"
        and request.endpoint in EDITORS
        and "body" in request.form
        and sent_from_this_site()
    )


def sent_from_this_site() -> bool:
    """Not a form on another site: it could plant its text in the author's editor.

    Browsers name a cross-site request in Sec-Fetch-Site and Origin; one that
    sends neither (an old browser, a script) is taken at its word.
    """
    site = request.headers.get("Sec-Fetch-Site", "same-origin")
    origin = request.headers.get("Origin")
    return site == "same-origin" and origin in (None, request.host_url.rstrip("/"))


def login_keeping_text(form):
    """The login page in answer to the editor's POST, carrying what it sent."""
    kept = {PREFIX + name: request.form.get(name, "") for name in FIELDS}
    kept[POST_FIELD] = str(request.view_args.get("post_id") or "")
    return render_login(form, kept), 401


def carried() -> dict[str, str]:
    """The kept text a login form brings back (empty when it brings none)."""
    return {name: value for name, value in request.form.items() if name.startswith(PREFIX)}


def render_login(form, kept: dict[str, str]) -> str:
    return render_template(
        "auth/login.html", form=form, kept=kept, kept_notice=KEPT_NOTICE if kept else None
    )


def back_to_the_editor(user: User, kept: dict[str, str]) -> str:
    """Keep the carried text as the author's autosave; the editor that shows it."""
    from blog.admin.forms import PostForm  # importing blog.admin loads the views, which import this

    post_id = row_id(kept.get(POST_FIELD))
    if post_id is not None and db.session.get(Post, post_id) is None:
        post_id = None  # deleted meanwhile: the text starts a new post
    fields = MultiDict({name: kept.get(PREFIX + name, "") for name in FIELDS})
    form = PostForm(formdata=fields, meta={"csrf": False})  # parses and cleans like the editor
    autosave = revisions.autosave(post_id, user, form.typed_fields())
    db.session.commit()
    if post_id is None:
        return url_for("admin.new_post", autosave=autosave.id)
    return url_for("admin.edit_post", post_id=post_id, autosave=autosave.id)
