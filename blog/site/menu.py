"""The menu in the header: ordered links to pages, tags, archives, feeds or anywhere.

Rendered once a SITE version as a fragment (every change to the menu, to a
page's title or place, or to a tag renews SITE), then marked with
``aria-current`` for the page being shown.
"""

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from blog import pagecache, text
from blog.extensions import db
from blog.i18n import N_
from blog.models import SITE, Post, Tag, published_pages
from blog.site.models import MenuItem, MenuKind
from blog.urls import post_url

FIXED_LINKS = {  # kind → (endpoint, the label it gets unless renamed)
    MenuKind.HOME: ("posts.index", _l("Home")),
    MenuKind.FEED: ("feeds.site", _l("Feed")),
    MenuKind.COMMENTS_FEED: ("feeds.comments", _l("Comments feed")),
}
DEFAULT_MENU = [(N_("Home"), MenuKind.HOME)]  # until the administrator makes one


def items() -> list[MenuItem]:
    return list(db.session.scalars(sa.select(MenuItem).order_by(MenuItem.position, MenuItem.id)))


def link_of(item: MenuItem, pages: dict[int, Post], tags: dict[int, str]) -> str | None:
    """Where an item leads, or None if its page or tag is gone (or unpublished)."""
    if item.kind in FIXED_LINKS:
        return url_for(FIXED_LINKS[item.kind][0])
    if item.kind == MenuKind.PAGE:
        page = pages.get(item.target_id)
        return post_url(page) if page else None
    if item.kind == MenuKind.TAG:
        slug = tags.get(item.target_id)
        return url_for("posts.tag", slug=slug) if slug else None
    if item.kind == MenuKind.YEAR:
        return url_for("posts.archive", year=item.target_id, month=None)
    return item.url or None


def links(menu: list[MenuItem]) -> list[tuple[MenuItem, str | None]]:
    """Each item with its address, in two queries whatever the menu holds."""
    page_ids = {item.target_id for item in menu if item.kind == MenuKind.PAGE}
    tag_ids = {item.target_id for item in menu if item.kind == MenuKind.TAG}
    pages, tags = {}, {}
    if page_ids:
        found = db.session.scalars(published_pages().where(Post.id.in_(page_ids)))
        pages = {page.id: page for page in found}
    if tag_ids:
        tags = dict(
            db.session.execute(sa.select(Tag.id, Tag.slug).where(Tag.id.in_(tag_ids))).all()
        )
    return [(item, link_of(item, pages, tags)) for item in menu]


def render_menu() -> str:
    menu = items() or [MenuItem(label=_(label), kind=kind) for label, kind in DEFAULT_MENU]
    template = current_app.jinja_env.get_template("site/_menu.html")
    return template.render(links=[(item.label, url) for item, url in links(menu) if url])


def site_menu() -> Markup:
    """The menu's <li> items, the one for this page marked as the current one."""
    html = pagecache.fragment("menu", render_menu, (SITE,))
    link = Markup('<a href="{}">').format(request.script_root + request.path)
    current = Markup('<a href="{}" aria-current="page">').format(request.script_root + request.path)
    return html.replace(link, current, 1)


def is_web_address(value: str) -> bool:
    """An http(s) URL, or a path on this site (not //host or /\\host, which leave it)."""
    if value.startswith("/") and not value.startswith("//"):
        return value.isprintable() and " " not in value and "\\" not in value
    return text.safe_web_url(value) is not None
