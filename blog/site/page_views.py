"""Pages at /admin/pages: list, write, preview, edit, delete."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blog import revisions, roles
from blog.admin.posts import SLUG_TAKEN, draft_label, slug_taken, unique_slug
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Post, PostKind, PostStatus, utcnow
from blog.site import pages
from blog.site.blueprint import bp
from blog.site.forms import PageForm

NO_PARENT = 0


def page_or_404(page_id: int) -> Post:
    # Its tags are loaded for its revisions (blog/revisions.py keeps a post's fields).
    options = [selectinload(Post.author), selectinload(Post.tags)]
    page = db.get_or_404(Post, page_id, options=options)
    if not page.is_page:
        abort(404)
    roles.require(roles.may_edit(current_user, page))
    return page


def tree_order(shown: sa.ColumnElement[bool]) -> list[tuple[Post, int]]:
    """The pages ``shown`` with their depth, each parent followed by its children in order.

    A page whose parent is not shown stands at the top level.
    """
    all_pages = db.session.scalars(
        sa.select(Post)
        .where(Post.kind == PostKind.PAGE, shown)
        .order_by(Post.menu_order, Post.title, Post.id)
    ).all()
    children: dict[int | None, list[Post]] = {}
    known = {page.id for page in all_pages}
    for page in all_pages:
        parent = page.parent_id if page.parent_id in known else None
        children.setdefault(parent, []).append(page)
    ordered, todo = [], [(page, 0) for page in reversed(children.get(None, []))]
    while todo:
        page, depth = todo.pop()
        ordered.append((page, depth))
        todo += [(child, depth + 1) for child in reversed(children.get(page.id, []))]
    return ordered


@bp.route("/pages")
def list_pages():
    """The pages as a tree, with their status."""
    return render_template("site/pages.html", rows=tree_order(roles.posts_visible_to(current_user)))


@bp.route("/pages/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new_page():
    """Write a page."""
    return edit_form(Post(kind=PostKind.PAGE, author=current_user._get_current_object()))


@bp.route("/pages/<id:page_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_page(page_id: int):
    """Change a page."""
    return edit_form(page_or_404(page_id))


def edit_form(page: Post):
    form = PageForm(obj=page if page.id is not None else None)
    form.parent_id.choices = parent_choices(page)
    if not form.is_submitted() and page.id is not None:
        form.parent_id.data = page.parent_id or NO_PARENT
    if not form.is_submitted():
        words_kept_through_the_login(form, page)
    if not form.validate_on_submit():
        return render_form(form, page)
    if form.preview.data:
        preview = form_to_page(form, preview_copy(page), for_preview=True)
        return render_form(form, page, preview=preview)
    if form.slug.data and slug_taken(form.slug.data, page.id):
        form.slug.errors.append(SLUG_TAKEN)
        return render_form(form, page)
    if not revisions.write_keeping_history(page, current_user, lambda: form_to_page(form, page)):
        form.slug.errors.append(SLUG_TAKEN)  # taken between our check and the write
        return render_form(form, page)
    db.session.commit()
    flash(_("Saved “%(title)s”.", title=page.title), "success")
    return redirect(url_for("site.edit_page", page_id=page.id))


def words_kept_through_the_login(form: PageForm, page: Post) -> None:
    """``?autosave=ID``: the text sent after the session ended, back in the editor.

    Only the words travel (title, slug, body, status); the parent and the order
    stay as saved.
    """
    wanted = request.args.get("autosave", type=int)
    autosave = revisions.newer_autosave(page, current_user) if wanted else None
    if autosave is not None and autosave.id == wanted:
        form.title.data, form.slug.data = autosave.title, autosave.slug
        form.body.data, form.status.data = autosave.body, autosave.status
        flash(_("Your unsaved text is back in the editor. Save it to keep it."), "info")


def parent_choices(page: Post) -> list[tuple[int, str]]:
    """Every page but this one and those under it (a page cannot be its own ancestor).

    An author may place a page under a published page or one of their own:
    another author's drafts stay unseen.
    """
    excluded = {page.id, *pages.descendants(page.id)} if page.id else set()
    shown = sa.or_(roles.posts_visible_to(current_user), Post.is_published)
    return [(NO_PARENT, _("(none: a top-level page)"))] + [
        (other.id, "— " * depth + other.title)
        for other, depth in tree_order(shown)
        if other.id not in excluded
    ]


def preview_copy(page: Post) -> Post:
    """An unsaved stand-in, so that a preview never touches the session."""
    return Post(kind=PostKind.PAGE, author=page.author, created_at=page.created_at or utcnow())


def form_to_page(form: PageForm, page: Post, *, for_preview: bool = False) -> Post:
    with db.session.no_autoflush:
        page.title = form.title.data.strip()
        page.slug = form.slug.data or unique_slug(page.title, page.id)
        page.body = form.body.data
        page.parent_id = form.parent_id.data or None
        page.menu_order = form.menu_order.data or 0
        page.allow_comments = form.allow_comments.data
        page.status = form.chosen_status()
        published = page.status == PostStatus.PUBLISHED
        page.published_at = (page.published_at or utcnow()) if published else None
    if for_preview:  # rendered here as saving would (blog/models.py renders on write)
        page.render()
    return page


def render_form(form: PageForm, page: Post, preview: Post | None = None):
    status = 422 if form.errors else 200
    # A page has no date: it is published when saved so, never scheduled.
    form.publish.label.text = _("Update") if page.is_published else _("Publish")
    form.save_draft.label.text = draft_label(page)
    page_html = render_template("site/edit_page.html", form=form, page=page, preview=preview)
    return page_html, status


@bp.route("/pages/<id:page_id>/delete", methods=["GET", "POST"])
def delete_page(page_id: int):
    """Ask, then delete a page; its children move up to the top level."""
    page = page_or_404(page_id)
    form = EmptyForm()
    if form.validate_on_submit():
        db.session.delete(page)
        db.session.commit()
        flash(_("Deleted “%(title)s”.", title=page.title), "success")
        return redirect(url_for("site.list_pages"))
    return render_template("site/delete_page.html", page=page, form=form)
