"""Reading a WordPress eXtended RSS (WXR) file as a stream of plain records.

``read`` parses with defusedxml's ``iterparse``, so entity declarations
(the "billion laughs" bomb) and external entities are refused, and the file
is never held whole: each ``<item>`` is turned into an ``Item`` and cleared
as soon as it ends. Elements are matched by their local names, whatever
namespace URI the version (WXR 1.0, 1.1, 1.2) or host (WordPress.com writes
``https`` URIs) uses.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class WXRError(Exception):
    """The file is not a readable WordPress export; nothing was imported."""


@dataclass
class Author:
    login: str
    display_name: str
    email: str = ""
    wp_id: int | None = None


@dataclass
class Term:
    """A category or a tag of the channel."""

    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    parent: int
    user_id: int


@dataclass
class Item:
    """A post, page, attachment, menu item…: whatever WordPress exported."""

    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: int | None = None
    date: str = ""
    date_gmt: str = ""
    modified: str = ""
    modified_gmt: str = ""
    comment_status: str = "open"
    name: str = ""
    status: str = ""
    post_type: str = "post"
    password: str = ""
    parent: int = 0
    attachment_url: str = ""  # an attachment's file
    menu_order: int = 0
    terms: list[Term] = field(default_factory=list)
    menus: list[str] = field(default_factory=list)  # a menu item's menus (nav_menu slugs)
    meta: dict[str, str] = field(default_factory=dict)  # wp:postmeta, key → value
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


def local(element: Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element) -> dict[str, str]:
    """Local name → text of the direct children (the first of each name)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(local(child), child.text or "")
    return values


# WordPress ids are positive; this blog keeps them in BIGINT columns (signed, 64 bits).
WP_ID_MAX = 2**63 - 1


def wp_id(value: str | None, absent: int | None = 0) -> int | None:
    """A WordPress id, or ``absent`` for none: missing, not a number, or out of range."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return absent
    return number if 0 < number <= WP_ID_MAX else absent


def _menu_order(value: str) -> int:
    """WordPress's menu_order: an int, kept within what the editor accepts."""
    try:
        return max(-9999, min(9999, int(value.strip() or 0)))
    except ValueError:
        return 0


def _author(element: Element) -> Author:
    values = _children(element)
    return Author(
        login=values.get("author_login", "").strip(),
        display_name=values.get("author_display_name", "").strip(),
        email=values.get("author_email", "").strip(),
        wp_id=wp_id(values.get("author_id"), None),
    )


def _term(element: Element) -> Term | None:
    values = _children(element)
    name = local(element)
    if name == "category":
        return Term("category", values.get("category_nicename", ""), values.get("cat_name", ""),
                    values.get("category_parent", ""))  # fmt: skip
    if name == "tag":
        return Term("post_tag", values.get("tag_slug", ""), values.get("tag_name", ""))
    taxonomy = values.get("term_taxonomy", "")
    if name == "term" and taxonomy in ("category", "post_tag"):
        return Term(taxonomy, values.get("term_slug", ""), values.get("term_name", ""),
                    values.get("term_parent", ""))  # fmt: skip
    return None


def _comment(element: Element) -> Comment:
    values = _children(element)
    return Comment(
        wp_id=wp_id(values.get("comment_id")),
        author=values.get("comment_author", ""),
        email=values.get("comment_author_email", "").strip(),
        url=values.get("comment_author_url", "").strip(),
        ip=values.get("comment_author_IP", "").strip(),
        date=values.get("comment_date", ""),
        date_gmt=values.get("comment_date_gmt", ""),
        content=values.get("comment_content", ""),
        approved=values.get("comment_approved", "").strip(),
        type=values.get("comment_type", "").strip(),
        parent=wp_id(values.get("comment_parent")),
        user_id=wp_id(values.get("comment_user_id")),
    )


# An item's one-line fields: WXR element (local name) -> Item attribute.
ITEM_TEXT_FIELDS = {
    "link": "link",
    "creator": "creator",
    "post_date": "date",
    "post_date_gmt": "date_gmt",
    "post_modified": "modified",
    "post_modified_gmt": "modified_gmt",
    "comment_status": "comment_status",
    "post_name": "name",
    "status": "status",
    "post_type": "post_type",
    "attachment_url": "attachment_url",
}


def _item(element: Element) -> Item:
    item = Item()
    for child in element:
        name, value = local(child), child.text or ""
        if name == "title":
            item.title = value
        elif name in ITEM_TEXT_FIELDS:
            setattr(item, ITEM_TEXT_FIELDS[name], value.strip())
        elif name == "encoded":
            # content:encoded and excerpt:encoded share a local name: tell them by namespace.
            if "excerpt" in str(child.tag):
                item.excerpt = value
            else:
                item.content = value
        elif name == "post_id":
            item.wp_id = wp_id(value, None)
        elif name == "post_password":
            item.password = value
        elif name == "post_parent":
            item.parent = wp_id(value)
        elif name == "menu_order":
            item.menu_order = _menu_order(value)
        elif name == "postmeta":
            meta = _children(child)
            item.meta.setdefault(meta.get("meta_key", ""), meta.get("meta_value", ""))
        elif name == "category":
            domain = {"tag": "post_tag"}.get(child.get("domain", ""), child.get("domain", ""))
            if domain in ("category", "post_tag"):
                slug = child.get("nicename", "")
                item.terms.append(Term(domain, slug, value.strip()))
            elif domain == "nav_menu":
                item.menus.append(child.get("nicename", "") or value.strip())
        elif name == "comment":
            item.comments.append(_comment(child))
    return item


class _CountingReader:
    """A file wrapper that counts the bytes read, for the progress bar."""

    def __init__(self, file: BinaryIO):
        self._file = file
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.position += len(data)
        return data


Record = Site | Author | Term | Item


def read(file: BinaryIO, progress=None) -> Iterator[Record]:
    """Yield the channel's Site, Authors, Terms and every Item, in file order.

    ``progress(bytes_read)`` is called after each item. Raises ``WXRError``
    for a hostile or malformed file, naming the line.
    """
    source = _CountingReader(file)
    site = Site()
    depth = 0
    channel: Element | None = None
    seen_rss = False
    try:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_rss = local(element) == "rss"
                    if not seen_rss:
                        raise WXRError("This is not a WordPress export: it is not an RSS file.")
                elif depth == 2 and local(element) == "channel":
                    channel = element
                    yield site  # filled in as the channel's own elements arrive
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = local(element)
            if name == "item":
                yield _item(element)
                if progress is not None:
                    progress(source.position)
            elif name == "author":
                yield _author(element)
            elif name in ("category", "tag", "term") and element.tag.startswith("{"):
                term = _term(element)
                if term is not None:
                    yield term
            elif name in ("title", "link", "base_site_url", "base_blog_url", "wxr_version"):
                setattr(site, name, (element.text or "").strip())
            element.clear()
            channel.remove(element)
    except DefusedXmlException as error:
        raise WXRError(
            f"Refused: the file declares XML entities ({type(error).__name__}). "
            "WordPress exports never do; this may be an attack (entity expansion or "
            "external entities)."
        ) from error
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise WXRError(f"The file is not well-formed XML: line {line}, column {column}.") from error
    if channel is None:
        raise WXRError("This is not a WordPress export: there is no <channel>.")
