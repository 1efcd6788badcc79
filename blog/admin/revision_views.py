"""A post's history: its revisions, a word-level diff between any two, restore."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog import revisions, roles
from blog.admin.blueprint import bp
from blog.admin.forms import PostForm
from blog.admin.posts import tags_named, when
from blog.dates import to_local
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import CSRF_EXPIRED_MESSAGE, EmptyForm
from blog.models import POST_BODY_MAX_LENGTH, Post
from blog.text import split_tags

CURRENT = "current"


def post_with_tags(post_id: int) -> Post:
    post = db.get_or_404(
        Post, post_id, options=[selectinload(Post.tags), selectinload(Post.author)]
    )
    roles.require(roles.may_edit(current_user, post))
    return post


@bp.get("/posts/<id:post_id>/revisions", endpoint="revisions")
def revisions_of(post_id: int):
    """The list, and the diff between the two versions chosen (by default the last change)."""
    post = post_with_tags(post_id)
    history = revisions.history(post.id)
    versions = {str(revision.id): revision for revision in history}
    versions[CURRENT] = revisions.as_version(post)
    newer = request.args.get("to", CURRENT)
    older = request.args.get("from", default_older(history))
    if older not in versions or newer not in versions:
        abort(404)
    return render_template(
        "admin/revisions.html",
        post=post,
        history=history,
        older=older,
        newer=newer,
        diff=revisions.compare(versions[older], versions[newer]),
        field_names=revisions.FIELD_NAMES,
    )


def default_older(history: list[revisions.PostRevision]) -> str:
    """The last saved change is what an author looks for first; autosaves come after."""
    saved = [revision for revision in history if not revision.is_autosave]
    newest = (saved or history or [None])[0]
    return CURRENT if newest is None else str(newest.id)


@bp.post("/posts/<id:post_id>/revisions/<id:revision_id>/restore")
def restore_revision(post_id: int, revision_id: int):
    """Put an earlier version's words back; the version it replaces is kept."""
    post = post_with_tags(post_id)
    revision = db.session.get(revisions.PostRevision, revision_id)
    if revision is None or revision.post_id != post.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        flash(_("Your session expired, please try again."), "error")
        return redirect(url_for("admin.revisions", post_id=post.id))
    previous = revisions.stored_version(post)
    with db.session.no_autoflush:
        post.title, post.body, post.excerpt = revision.title, revision.body, revision.excerpt
        post.tags = tags_named(split_tags(revision.tags))
    revisions.keep_previous(post, previous)
    revisions.forget_autosaves(post.id, current_user)
    db.session.commit()
    flash(_("Restored the version of %(date)s; the one it replaced is kept.",
            date=when(revision.created_at)), "success")  # fmt: skip
    return redirect(url_for("admin.edit_post", post_id=post.id))


@bp.post("/posts/autosave")
@keeps_input_on_csrf_error
def autosave_new():
    """Keep what the editor of a post not saved yet holds."""
    return keep_autosave(None)


@bp.post("/posts/<id:post_id>/autosave")
@keeps_input_on_csrf_error
def autosave(post_id: int):
    """Keep what the editor holds now (editor.js sends it every 30 s and on leaving)."""
    roles.require(roles.may_edit(current_user, db.get_or_404(Post, post_id)))
    return keep_autosave(post_id)


def keep_autosave(post_id: int | None):
    form = PostForm()
    form.validate()  # an autosave keeps half-written text: only the token must hold
    if form.csrf_token.errors:
        return jsonify(error=str(CSRF_EXPIRED_MESSAGE)), 400
    if len(form.body.data or "") > POST_BODY_MAX_LENGTH:
        return jsonify(error=form.body.errors[0]), 413
    kept = revisions.autosave(post_id, current_user, form.typed_fields())
    db.session.commit()
    return jsonify(
        saved_at=kept.created_at.isoformat(),
        message=_("Autosaved at %(time)s.", time=to_local(kept.created_at).strftime("%H:%M")),
    )
