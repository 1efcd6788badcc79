"""The menu at /admin/menu: add, rename, move and remove links, with plain forms."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blog import roles
from blog.errors import keeps_input_on_csrf_error
from blog.extensions import db
from blog.forms import EmptyForm
from blog.models import Tag, published_pages
from blog.posts.queries import archive_months
from blog.site import menu
from blog.site.blueprint import bp
from blog.site.forms import AddMenuItemForm, RenameMenuItemForm
from blog.site.models import MenuItem, MenuKind


def target_choices() -> list[tuple[str, str]]:
    """What a link can lead to: "kind" or "kind:id" values."""
    fixed = [(kind.value, str(label)) for kind, (__, label) in menu.FIXED_LINKS.items()]
    pages = [(f"page:{page.id}", _("Page: %(title)s", title=page.title))
             for page in db.session.scalars(published_pages())]  # fmt: skip
    tags = [(f"tag:{tag.id}", _("Tag: %(name)s", name=tag.name))
            for tag in db.session.scalars(sa.select(Tag).order_by(Tag.name))]  # fmt: skip
    years = sorted({year for year, *__ in archive_months()}, reverse=True)
    archives = [(f"year:{year}", _("Archive: %(year)s", year=year)) for year in years]
    return [*pages, *fixed, *tags, *archives, ("url", _("Another address (below)"))]


def rename_form(item: MenuItem) -> RenameMenuItemForm:
    """Each item's own form: its fields prefixed, so their ids differ on the page."""
    return RenameMenuItemForm(prefix=f"item-{item.id}", data={"label": item.label})


@bp.route("/menu", methods=["GET", "POST"])
@roles.administrators_only
@keeps_input_on_csrf_error
def edit_menu():
    """The menu's links in order, each with its buttons, and a form to add one."""
    form = AddMenuItemForm()
    form.target.choices = target_choices()
    if form.validate_on_submit():
        db.session.add(new_item(form, dict(form.target.choices)))
        db.session.commit()
        flash(_("Added to the menu."), "success")
        return redirect(url_for("site.edit_menu"))
    return render_menu_page(form, 422 if form.errors else 200)


def render_menu_page(form: AddMenuItemForm, status: int = 200, failed: dict | None = None):
    rows = []
    for item, url in menu.links(menu.items()):
        rename = (failed or {}).get(item.id) or rename_form(item)
        rows.append((item, url, rename))
    return render_template("site/menu.html", form=form, rows=rows), status


def new_item(form: AddMenuItemForm, labels: dict[str, str]) -> MenuItem:
    kind, __, target = form.target.data.partition(":")
    label = form.label.data or labels[form.target.data].partition(": ")[2] or labels[kind]
    last = db.session.scalar(sa.select(sa.func.max(MenuItem.position))) or 0
    return MenuItem(
        position=last + 1,
        label=label,
        kind=kind,
        target_id=int(target) if target else None,
        url=form.url.data if kind == MenuKind.URL else "",
    )


def item_or_404(item_id: int) -> MenuItem:
    return db.get_or_404(MenuItem, item_id)


@bp.post("/menu/<id:item_id>/rename")
@roles.administrators_only
@keeps_input_on_csrf_error
def rename_menu_item(item_id: int):
    item = item_or_404(item_id)
    form = RenameMenuItemForm(prefix=f"item-{item.id}")
    if not form.validate_on_submit():
        add_form = AddMenuItemForm(formdata=None)
        add_form.target.choices = target_choices()
        return render_menu_page(add_form, 422, failed={item.id: form})
    item.label = form.label.data.strip()
    db.session.commit()
    flash(_("Renamed to “%(label)s”.", label=item.label), "success")
    return redirect(url_for("site.edit_menu"))


@bp.post("/menu/<id:item_id>/move")
@roles.administrators_only
def move_menu_item(item_id: int):
    """Swap the item with the one before (up) or after (down) it."""
    item = item_or_404(item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    order = menu.items()
    index = order.index(item)
    other = index + (-1 if request.form.get("direction") == "up" else 1)
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        for position, each in enumerate(order, start=1):
            each.position = position
        db.session.commit()
    return redirect(url_for("site.edit_menu"))


@bp.post("/menu/<id:item_id>/remove")
@roles.administrators_only
def remove_menu_item(item_id: int):
    item = item_or_404(item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(item)
    db.session.commit()
    flash(_("Removed “%(label)s” from the menu.", label=item.label), "success")
    return redirect(url_for("site.edit_menu"))
