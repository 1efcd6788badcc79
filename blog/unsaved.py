"""Text sent from the editor after the session ended, carried through the login.

The author who writes for longer than the session lasts and presses Save is
not logged in any more, and a redirect to the login page would drop the
text. Instead the login page answers that very request, with the text in
hidden fields of the login form: the author's own words, sent back to the
browser they came from, so nothing is stored for a visitor who cannot log
in. A successful login keeps them as the author's autosave and opens the
editor with them, exactly as typed. A reply to a comment, or a corrected
comment, comes back the same way, in its form, answered by the login itself.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from blog import revisions
from blog.extensions import db
from blog.models import Comment, Post, User
from blog.pagination import row_id

# Each editor, and where its text comes back: the post editor or the page editor.
EDITORS = {
    "admin.new_post": ("admin.new_post", "admin.edit_post", "post_id"),
    "admin.edit_post": ("admin.new_post", "admin.edit_post", "post_id"),
    "site.new_page": ("site.new_page", "site.edit_page", "page_id"),
    "site.edit_page": ("site.new_page", "site.edit_page", "page_id"),
}
FIELDS = ("title", "slug", "body", "excerpt", "tags", "status", "published_at")
# The comment screens' fields. Their text is not stored: the login's answer is
# the form again, filled, for the author to send once more.
COMMENT_FORMS = {
    "admin.reply_to_comment": ("comment",),
    "admin.edit_comment": ("author_name", "author_email", "author_url", "comment", "status"),
}
PREFIX = "kept-"
POST_FIELD = PREFIX + "post"
EDITOR_FIELD = PREFIX + "editor"
KEPT_NOTICE = _l(
    "Your session had ended, so your post is not saved yet. Log in and it will be "
    "back in the editor exactly as you typed it."
)
COMMENT_KEPT_NOTICE = _l(
    "Your session had ended, so the comment is not saved yet. Log in and your text "
    "will be back in the form exactly as you typed it."
)
COMMENT_BACK = _l("Your session had ended: here is your text again. Send it to save it.")


def sent_from_an_editor() -> bool:
    text_field = "body" if request.endpoint in EDITORS else "comment"
    return (
        request.method == "POST"
        and (request.endpoint in EDITORS or request.endpoint in COMMENT_FORMS)
        and text_field in request.form
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
    if request.endpoint in COMMENT_FORMS:
        fields, id_name = COMMENT_FORMS[request.endpoint], "comment_id"
    else:
        fields, (_, _, id_name) = FIELDS, EDITORS[request.endpoint]
    kept = {PREFIX + name: request.form.get(name, "") for name in fields}
    kept[POST_FIELD] = str(request.view_args.get(id_name) or "")
    kept[EDITOR_FIELD] = request.endpoint
    return render_login(form, kept), 401


def carried() -> dict[str, str]:
    """The kept text a login form brings back (empty when it brings none)."""
    return {name: value for name, value in request.form.items() if name.startswith(PREFIX)}


def render_login(form, kept: dict[str, str]) -> str:
    notice = COMMENT_KEPT_NOTICE if kept.get(EDITOR_FIELD) in COMMENT_FORMS else KEPT_NOTICE
    return render_template(
        "auth/login.html", form=form, kept=kept, kept_notice=notice if kept else None
    )


def back_to_the_form(user: User, kept: dict[str, str]):
    """The answer to the login that carried text: its editor, or its comment form."""
    if kept.get(EDITOR_FIELD) in COMMENT_FORMS:
        return comment_form_again(user, kept)
    return redirect(back_to_the_editor(user, kept))


def comment_form_again(user: User, kept: dict[str, str]):
    """The reply or edit form, filled with the carried text, sent to its own address."""
    from blog import roles
    from blog.admin.forms import CommentEditForm, CommentReplyForm

    comment_id = row_id(kept.get(POST_FIELD))
    options = [selectinload(Comment.post)]
    comment = db.session.get(Comment, comment_id, options=options) if comment_id else None
    if comment is None or not roles.may_moderate(user, comment):
        return redirect(url_for("admin.comments"))  # gone, or not this user's to moderate
    endpoint = kept[EDITOR_FIELD]
    fields = MultiDict({name: kept.get(PREFIX + name, "") for name in COMMENT_FORMS[endpoint]})
    # The login form made this request's token from the session the login cleared:
    # the forms below need one of the new session (Flask-WTF keeps it in g).
    g.pop("csrf_token", None)
    flash(COMMENT_BACK, "info")
    if endpoint == "admin.reply_to_comment":
        form = CommentReplyForm(formdata=fields)
        return render_template("admin/reply_comment.html", form=form, parent=comment)
    form = CommentEditForm(formdata=fields)
    return render_template("admin/edit_comment.html", form=form, comment=comment)


def back_to_the_editor(user: User, kept: dict[str, str]) -> str:
    """Keep the carried text as the author's autosave; the editor that shows it."""
    from blog import roles
    from blog.admin.forms import PostForm  # importing blog.admin loads the views, which import this

    new_endpoint, edit_endpoint, id_name = EDITORS.get(
        kept.get(EDITOR_FIELD, ""), EDITORS["admin.new_post"]
    )
    post_id = row_id(kept.get(POST_FIELD))
    post = db.session.get(Post, post_id) if post_id is not None else None
    if post is None or not roles.may_edit(user, post):
        post_id = None  # deleted meanwhile, or another's: the text starts a new one
    fields = MultiDict({name: kept.get(PREFIX + name, "") for name in FIELDS})
    form = PostForm(formdata=fields, meta={"csrf": False})  # parses and cleans like the editor
    autosave = revisions.autosave(post_id, user, form.typed_fields())
    db.session.commit()
    if post_id is None:
        return url_for(new_endpoint, autosave=autosave.id)
    return url_for(edit_endpoint, **{id_name: post_id}, autosave=autosave.id)
