"""Pages: posts of kind 'page', at their parents' path and their own slug.

``/about/team/`` is the page ``team`` whose parent is ``about``. Paths are
made from one query of every page's (id, parent, slug), once a request:
a blog has tens of pages, not thousands.
"""

import sqlalchemy as sa
from flask import current_app, g

from blog.extensions import db
from blog.models import Post, PostKind

MAX_DEPTH = 10  # deeper chains (a damaged import) stop here rather than loop


def page_tree() -> dict[int, tuple[int | None, str]]:
    """Every page's id → (parent id, slug), read once a request."""
    if "page_tree" not in g:
        rows = db.session.execute(
            sa.select(Post.id, Post.parent_id, Post.slug).where(Post.kind == PostKind.PAGE)
        )
        g.page_tree = {id_: (parent, slug) for id_, parent, slug in rows}
    return g.page_tree


def path_of(page_id: int, slug: str, parent_id: int | None) -> str:
    """'about/team': the slugs from the top page down to this one."""
    tree = page_tree()
    slugs, seen = [slug], {page_id}
    while parent_id in tree and parent_id not in seen and len(slugs) < MAX_DEPTH:
        seen.add(parent_id)
        parent_id, parent_slug = tree[parent_id]
        slugs.insert(0, parent_slug)
    return "/".join(slugs)


def reserved_slugs() -> frozenset[str]:
    """The first parts of the blog's own addresses: a top-level page must not shadow them."""
    return frozenset(
        rule.rule.split("/")[1]
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint != "pages.page" and "<" not in rule.rule.split("/")[1]
    ) - {""}


def is_reserved(slug: str) -> bool:
    """Taken by a route, or all digits (years, and WordPress's numeric links)."""
    return slug in reserved_slugs() or slug.isdigit()


def descendants(page_id: int) -> set[int]:
    """The ids of a page's children, their children and so on."""
    children: dict[int | None, list[int]] = {}
    for id_, (parent, _) in page_tree().items():
        children.setdefault(parent, []).append(id_)
    found, todo = set(), [page_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
