"""Importing a WordPress export: authors, posts, pages, tags, comments and old links.

The whole import is one transaction: the file is streamed (``reader.read``)
and rows are written in batches as it goes, but nothing is committed until
the last item has been read, so a file that fails half-way (malformed XML,
a database error) leaves the blog exactly as it was.

Re-running an import changes nothing: imported posts and comments keep
their WordPress ids (``wp_id``), authors and tags are matched by username
and slug, old links by path, and whatever already exists is skipped. The
maps of what exists are loaded once at the start, so the import makes no
per-row lookups; rows are inserted with multi-row INSERT … RETURNING.

Rendering follows the models exactly (``Post.render``, ``Comment.render``:
the same Markdown pipeline, allow-lists and comment sanitizer as content
written here); the body of a post is its WordPress HTML made explicit by
``content.to_body``. Moderation rules are not run: WordPress already judged
each comment, and its state is kept.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from blog import text
from blog.extensions import db
from blog.media.wordpress import Uploads
from blog.models import (
    POST_BODY_MAX_LENGTH,
    Comment,
    CommentStatus,
    LegacyLink,
    Post,
    PostKind,
    PostStatus,
    Tag,
    User,
    post_tags,
    thread_root,
    utcnow,
)
from blog.redirects import normalize_path
from blog.revisions import PostRevision, RevisionKind
from blog.site import pages
from blog.site.menu import is_web_address
from blog.site.models import MenuItem, MenuKind
from blog.wxr import reader
from blog.wxr.content import to_body
from blog.wxr.reader import WXRError

BATCH_SIZE = 250  # items written per round of INSERTs
COMMENT_STATES = {
    "1": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.TRASH,
    "post-trashed": CommentStatus.TRASH,
}
COMMENT_TYPES = {"", "comment"}
PING_TYPES = {"pingback", "trackback"}
SKIPPED_TYPES = {
    "attachment": "attachments (import with --uploads DIR to bring their files)",
    "nav_menu_item": "menu items this blog cannot map (other menus, sub-items, posts, tags)",
}
REVISIONS_WITHOUT_POST = "revisions of posts not imported"
# Rendering and sanitizing an item takes some 40 bytes of memory per character
# (measured: 820 MB for one 20 MB post, most of it bleach's parse tree and the
# word lists of plain_text), so one huge item could exhaust the machine. Posts
# are held to what the editor accepts, comments to what WordPress itself accepts.
WP_COMMENT_MAX_LENGTH = 65_525
TOO_LONG_POSTS = f"items longer than {POST_BODY_MAX_LENGTH:,} characters (the editor's limit)"
TOO_LONG_COMMENTS = f"comments longer than {WP_COMMENT_MAX_LENGTH:,} characters"
_UNSET_DATE = re.compile(r"^0000-00-00")
_WHITESPACE = re.compile(r"\s+")

__all__ = ["ImportReport", "WXRError", "import_file"]


@dataclass
class ImportReport:
    posts: Counter = field(default_factory=Counter)  # by state: published, scheduled, draft
    pages: Counter = field(default_factory=Counter)
    comments: Counter = field(default_factory=Counter)  # by status
    revisions: int = 0  # earlier versions of posts (WordPress "revision" items)
    authors_created: int = 0
    tags_created: int = 0
    links: int = 0
    menu: str = ""  # the WordPress menu imported as the blog's menu
    menu_items: int = 0
    already: Counter = field(default_factory=Counter)  # found from an earlier import
    skipped: Counter = field(default_factory=Counter)  # reason → count
    notes: Counter = field(default_factory=Counter)  # imported, with a change worth knowing
    read: Counter = field(default_factory=Counter)  # posts and comments read so far
    media_lines: list[str] = field(default_factory=list)  # with --uploads: added, missing

    @property
    def changed_anything(self) -> bool:
        return bool(
            sum(self.posts.values()) or sum(self.pages.values()) or sum(self.comments.values())
            or self.revisions or self.authors_created or self.tags_created or self.links
        )  # fmt: skip

    def lines(self) -> list[str]:
        def counts(counter: Counter) -> str:
            total = sum(counter.values())
            parts = ", ".join(f"{n} {state}" for state, n in sorted(counter.items()))
            return f"{total}" + (f" ({parts})" if parts else "")

        lines = [
            f"Posts: {counts(self.posts)}",
            f"Pages: {counts(self.pages)}",
            f"Comments: {counts(self.comments)}",
            f"Revisions: {self.revisions}",
            f"Authors created: {self.authors_created}; tags created: {self.tags_created}; "
            f"old links kept: {self.links}",
        ]
        if self.menu:
            lines.append(f"Menu: {self.menu_items} links from the menu '{self.menu}'")
        if self.already:
            lines.append("Already imported, left as they are: " + _listing(self.already))
        for reason, n in sorted(self.notes.items()):
            lines.append(f"Note: {n} {reason}")
        for reason, n in sorted(self.skipped.items()):
            lines.append(f"Skipped: {n} {reason}")
        return lines + self.media_lines


class StoredComment(NamedTuple):
    """An imported comment, as a reply to it needs it."""

    id: int
    root_id: int  # the top-level comment of its thread (its own id if it is one)
    post_id: int


def _listing(counter: Counter) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counter.items()))


def parse_date(value: str, zone: ZoneInfo | None) -> datetime | None:
    """A WordPress 'YYYY-MM-DD HH:MM:SS', in UTC (zone None) or in ``zone``; None if unset."""
    value = value.strip()
    if not value or _UNSET_DATE.match(value):
        return None
    try:
        naive = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=zone or UTC).astimezone(UTC)


def item_date(gmt: str, local: str, zone: ZoneInfo) -> datetime | None:
    return parse_date(gmt, None) or parse_date(local, zone)


def _line(value: str, limit: int) -> str:
    return _WHITESPACE.sub(" ", text.clean_text(value) or "").strip()[:limit]


class Importer:
    def __init__(
        self, zone: ZoneInfo, batch_size: int = BATCH_SIZE, uploads: Uploads | None = None
    ):
        self.zone = zone
        self.uploads = uploads  # the old site's wp-content/uploads, if given
        self.batch_size = batch_size
        self.report = ImportReport()
        self.site = reader.Site()
        session = db.session
        self.users = dict(session.execute(sa.select(User.username, User.id)).all())
        self.wp_users: dict[int, int] = {}  # WordPress user id → our user id
        self.display_names: dict[str, str] = {}
        self.tags = dict(session.execute(sa.select(Tag.slug, Tag.id)).all())
        self.term_tags: dict[tuple[str, str], int] = {}  # (kind, WordPress slug) → tag id
        self.category_parents: dict[str, str] = {}
        self.posts = dict(
            session.execute(sa.select(Post.wp_id, Post.id).where(Post.wp_id.is_not(None))).all()
        )
        # WordPress comment id → where it is stored
        self.comments = {
            wp_id: StoredComment(id_, thread, post_id)
            for wp_id, id_, thread, post_id in session.execute(
                sa.select(Comment.wp_id, Comment.id, Comment.thread_id, Comment.post_id).where(
                    Comment.wp_id.is_not(None)
                )
            )
        }
        self.slugs = set(session.scalars(sa.select(Post.slug)))
        pages = sa.select(Post.wp_id, Post.title).where(
            Post.kind == PostKind.PAGE, Post.wp_id.is_not(None)
        )
        self.page_titles = dict(session.execute(pages).all())
        self.page_parents: list[tuple[int, int]] = []  # (our page id, its parent's WordPress id)
        self.menu_items: list[reader.Item] = []
        self.paths = set(session.scalars(sa.select(LegacyLink.path)))
        self.batch: list[tuple[reader.Item, dict]] = []
        self.pending_links: list[dict] = []
        # Revision items, held until their post is stored (it may come later in the file).
        self.revision_items: list[reader.Item] = []
        self.revision_ids = set(
            session.scalars(sa.select(PostRevision.wp_id).where(PostRevision.wp_id.is_not(None)))
        )

    # --- the stream --------------------------------------------------------

    def run(self, file, progress: Callable[[int, ImportReport], None] | None = None) -> None:
        def on_item(position: int) -> None:
            if progress is not None:
                progress(position, self.report)

        for record in reader.read(file, on_item):
            if isinstance(record, reader.Site):
                self.site = record
            elif isinstance(record, reader.Author):
                self.author(record)
            elif isinstance(record, reader.Term):
                self.term(record)
            elif isinstance(record, reader.Item):
                self.item(record)
        self.flush()
        self.write_revisions()
        if self.revision_items:
            self.report.skipped[REVISIONS_WITHOUT_POST] += len(self.revision_items)
        self.link_parents()
        self.import_menu()

    @property
    def prefix(self) -> str:
        """The path WordPress lived under (``/blog`` for example.com/blog/), or ''."""
        return urlsplit(self.site.base_blog_url or self.site.link).path.rstrip("/")

    # --- authors and tags ----------------------------------------------------

    def author(self, author: reader.Author) -> None:
        login = _line(author.login, 64)
        if not login:
            return
        self.display_names[login] = _line(author.display_name, 100) or login
        user_id = self.user_id(login)
        if author.wp_id:
            self.wp_users[author.wp_id] = user_id

    def user_id(self, login: str) -> int:
        """The author with this username, created (unable to log in) if new."""
        login = _line(login, 64) or "wordpress"
        if login not in self.users:
            user = User(username=login, display_name=self.display_names.get(login, login))
            user.password_hash = None  # no password: cannot log in until set-password
            db.session.add(user)
            db.session.flush()
            self.users[login] = user.id
            self.report.authors_created += 1
        return self.users[login]

    def term(self, term: reader.Term) -> int | None:
        key = (term.kind, term.slug or term.name)
        if key in self.term_tags:
            return self.term_tags[key]
        if term.kind == "category" and term.parent:
            self.category_parents[term.slug] = term.parent
        name = _line(term.name, 64) or _line(unquote(term.slug), 64)
        slug = self.tag_slug(term.slug, name)
        if slug is None:
            return None
        if slug not in self.tags:
            tag_id = db.session.execute(
                sa.insert(Tag).values(name=name, slug=slug).returning(Tag.id)
            ).scalar_one()
            self.tags[slug] = tag_id
            self.report.tags_created += 1
        tag_id = self.term_tags[key] = self.tags[slug]
        if term.slug:  # its old archive page: /category/parent/child/ or /tag/slug/
            if term.kind == "category":
                path = "/category/" + "/".join(self.category_chain(term.slug))
            else:
                path = "/tag/" + term.slug
            self.link(self.prefix + path, tag_id=tag_id, own=f"/tag/{slug}")
        return tag_id

    def category_chain(self, slug: str) -> list[str]:
        chain, seen = [slug], {slug}
        while (parent := self.category_parents.get(chain[0])) and parent not in seen:
            chain.insert(0, parent)
            seen.add(parent)
        return chain

    @staticmethod
    def tag_slug(wp_slug: str, name: str) -> str | None:
        if text.is_valid_slug(wp_slug) and len(wp_slug) <= text.SLUG_MAX_LENGTH:
            return wp_slug
        return text.slugify(unquote(wp_slug)) or text.slugify(name) or None

    # --- old links -----------------------------------------------------------

    def link(self, path: str, own: str = "", **target) -> None:
        normalized = normalize_path(unquote(path))
        if (
            len(normalized) > 500
            or normalized in ("", "/")
            or normalized in self.paths
            or normalized == normalize_path(own)
        ):
            return
        self.paths.add(normalized)
        self.pending_links.append({"path": normalized, "post_id": None, "tag_id": None, **target})
        self.report.links += 1

    def post_paths(self, item: reader.Item) -> list[str]:
        """The post's old addresses: its own link, and the common permalink shapes."""
        paths = []
        link = urlsplit(item.link)
        if link.path.strip("/") and not link.query:
            paths.append(link.path)
        if item.name:
            prefix = self.prefix
            paths.append(f"{prefix}/{item.name}")
            local = parse_date(item.date, UTC)  # the wall-clock date WordPress put in links
            if item.post_type == "post" and local is not None:
                y, m, d = f"{local:%Y}", f"{local:%m}", f"{local:%d}"
                paths += [f"{prefix}/{y}/{m}/{d}/{item.name}", f"{prefix}/{y}/{m}/{item.name}"]
        if item.wp_id is not None:
            paths.append(f"{self.prefix}/archives/{item.wp_id}")
        return paths

    # --- posts -----------------------------------------------------------------

    def item(self, item: reader.Item) -> None:
        kind = item.post_type or "post"
        if kind == "revision":
            self.revision(item)
            return
        if kind == "attachment" and self.uploads is not None:
            self.uploads.attachment(item.attachment_url, item.wp_id)
            return
        if kind == "nav_menu_item":
            self.menu_items.append(item)  # once every page is in: import_menu
            return
        if kind not in ("post", "page"):
            self.report.skipped[SKIPPED_TYPES.get(kind, f"items of type '{kind}'")] += 1
            return
        if item.status == "auto-draft":
            self.report.skipped["auto-drafts (empty drafts WordPress makes by itself)"] += 1
            return
        if item.wp_id is None:
            self.report.skipped["items without a valid wp:post_id"] += 1
            return
        if len(item.title) + len(item.content) + len(item.excerpt) > POST_BODY_MAX_LENGTH:
            self.report.skipped[TOO_LONG_POSTS] += 1
            return
        self.report.read["posts"] += 1
        self.report.read["comments"] += len(item.comments)
        if item.wp_id in self.posts:
            self.report.already[kind + "s"] += 1
            self.batch.append((item, {}))  # its comments may still be new
        else:
            self.posts[item.wp_id] = None  # claimed: a repeat in the same file is skipped
            self.batch.append((item, self.post_row(item)))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def post_row(self, item: reader.Item) -> dict:
        date = item_date(item.date_gmt, item.date, self.zone)
        status, published_at = PostStatus.DRAFT, None
        state = "draft"
        if item.status in ("publish", "future"):
            if item.password:
                self.report.notes["password-protected posts imported as drafts"] += 1
            else:
                status, published_at = PostStatus.PUBLISHED, date or utcnow()
                state = "scheduled" if published_at > utcnow() else "published"
        elif item.status == "private":
            self.report.notes["private posts imported as drafts"] += 1
        is_page = item.post_type == "page"
        (self.report.pages if is_page else self.report.posts)[state] += 1
        if is_page:
            self.page_titles[item.wp_id] = _line(item.title, 200) or "(no title)"
        body = to_body(item.content)
        if self.uploads is not None:
            body = self.uploads.rewrite(body)
        # A transient Post renders exactly as saved posts do (the mapper event is not
        # run by the bulk INSERT below).
        post = Post(body=body, excerpt=text.plain_text(text.clean_text(item.excerpt) or ""))
        post.render()
        created = date or utcnow()
        return {
            "wp_id": item.wp_id,
            "title": _line(item.title, 200) or "(no title)",
            "slug": self.post_slug(item),
            "body": body,
            "excerpt": post.excerpt,
            **post.rendered_values(),
            "status": status,
            "published_at": published_at,
            "created_at": created,
            "updated_at": item_date(item.modified_gmt, item.modified, self.zone) or created,
            "allow_comments": item.comment_status == "open",
            "author_id": self.user_id(item.creator),
            "kind": PostKind.PAGE if is_page else PostKind.POST,
            "parent_id": None,  # a WordPress id until every page is in: link_parents
            "menu_order": item.menu_order if is_page else 0,
        }

    def post_slug(self, item: reader.Item) -> str:
        name = item.name
        if not (text.is_valid_slug(name) and len(name) <= 200):
            name = text.slugify(unquote(name)) or text.slugify(item.title) or f"post-{item.wp_id}"
        if item.post_type == "page" and not item.parent and pages.is_reserved(name):
            name = f"{name}-page"  # /feed/ or /2024/ would never reach the page
        slug, number = name, 2
        while slug in self.slugs:
            slug = f"{name}-{number}"
            number += 1
        self.slugs.add(slug)
        return slug

    def revision(self, item: reader.Item) -> None:
        if item.wp_id is None or not item.parent:
            self.report.skipped[REVISIONS_WITHOUT_POST] += 1
        elif len(item.title) + len(item.content) + len(item.excerpt) > POST_BODY_MAX_LENGTH:
            self.report.skipped[TOO_LONG_POSTS] += 1
        elif item.wp_id in self.revision_ids:
            self.report.already["revisions"] += 1
        else:
            self.revision_ids.add(item.wp_id)
            self.revision_items.append(item)
            if len(self.revision_items) >= self.batch_size:
                self.write_revisions()

    def write_revisions(self) -> None:
        """Insert the revisions whose post is stored; the others wait for theirs."""
        ready, waiting = [], []
        for item in self.revision_items:
            (ready if self.posts.get(item.parent) else waiting).append(item)
        self.revision_items = waiting
        if not ready:
            return
        post_ids = {self.posts[item.parent] for item in ready}
        statuses = dict(db.session.execute(
            sa.select(Post.id, Post.status).where(Post.id.in_(post_ids))
        ).all())  # fmt: skip
        rows = [
            {
                "wp_id": item.wp_id,
                "post_id": self.posts[item.parent],
                "author_id": self.user_id(item.creator),
                "kind": RevisionKind.REVISION,
                "title": _line(item.title, 200),
                "slug": "",
                "body": to_body(item.content),
                "excerpt": text.plain_text(text.clean_text(item.excerpt) or ""),
                "tags": "",
                # A revision keeps words; WordPress gives it no status of its own.
                "status": statuses[self.posts[item.parent]],
                "published_at": None,
                "created_at": item_date(item.date_gmt, item.date, self.zone) or utcnow(),
            }
            for item in ready
        ]
        db.session.execute(PostRevision.__table__.insert(), rows)
        self.report.revisions += len(rows)

    # --- pages' parents and the menu -----------------------------------------------

    def link_parents(self) -> None:
        """Each new page under its parent, now that every page of the file has an id."""
        rows = [
            {"page_id": page_id, "parent": self.posts[parent]}
            for page_id, parent in self.page_parents
            if parent in self.page_titles and self.posts.get(parent)
        ]
        if rows:
            posts = Post.__table__
            db.session.execute(
                posts.update()
                .where(posts.c.id == sa.bindparam("page_id"))
                .values(parent_id=sa.bindparam("parent")),
                rows,
            )

    def import_menu(self) -> None:
        """The menu with the most links this blog can map (top level only), if it has none.

        A WXR file does not say which menu the theme shows; the one that would
        lose least is taken. Links to pages and to web addresses map; the
        others are reported.
        """
        if not self.menu_items or db.session.scalar(sa.select(MenuItem.id).limit(1)):
            return
        menus: dict[str, list[tuple[reader.Item, dict | None]]] = defaultdict(list)
        for item in sorted(self.menu_items, key=lambda item: item.menu_order):
            if item.meta.get("_menu_item_menu_item_parent", "0") in ("", "0"):
                for name in item.menus:
                    menus[name].append((item, self.menu_link(item)))
        if not menus:
            return
        chosen = max(menus, key=lambda name: sum(link is not None for _, link in menus[name]))
        links = [link for _, link in menus[chosen] if link is not None]
        for position, link in enumerate(links, start=1):
            db.session.add(MenuItem(position=position, **link))
        self.report.menu, self.report.menu_items = chosen, len(links)
        if len(links) < len(self.menu_items):
            self.report.skipped[SKIPPED_TYPES["nav_menu_item"]] += len(self.menu_items) - len(links)

    def menu_link(self, item: reader.Item) -> dict | None:
        meta = item.meta
        label = _line(item.title, 100)
        if meta.get("_menu_item_type") == "post_type" and meta.get("_menu_item_object") == "page":
            page = reader.wp_id(meta.get("_menu_item_object_id"))
            if page in self.page_titles and self.posts.get(page):
                label = label or self.page_titles[page][:100]
                return {"kind": MenuKind.PAGE, "target_id": self.posts[page], "label": label}
        url = meta.get("_menu_item_url", "").strip()
        if meta.get("_menu_item_type") == "custom" and label and is_web_address(url):
            return {"kind": MenuKind.URL, "url": url[:500], "label": label}
        return None

    # --- writing a batch ---------------------------------------------------------

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        new = [(item, row) for item, row in batch if row]
        if new:
            posts = Post.__table__
            ids = db.session.scalars(
                posts.insert().returning(posts.c.id, sort_by_parameter_order=True),
                [row for _, row in new],
            ).all()
            tag_rows = []
            for (item, _), post_id in zip(new, ids, strict=True):
                self.posts[item.wp_id] = post_id
                tag_ids = {self.term(term) for term in item.terms}
                if item.post_type == "page" and item.parent:
                    self.page_parents.append((post_id, item.parent))
                tag_rows += [{"post_id": post_id, "tag_id": t} for t in tag_ids if t]
                for path in self.post_paths(item):
                    self.link(path, post_id=post_id)
            if tag_rows:
                db.session.execute(post_tags.insert(), tag_rows)
        if self.pending_links:
            db.session.execute(LegacyLink.__table__.insert(), self.pending_links)
            self.pending_links = []
        self.write_comments(batch)
        self.write_revisions()

    def write_comments(self, batch: list[tuple[reader.Item, dict]]) -> None:
        """Insert new comments, parents before replies, one INSERT per level of nesting."""
        # WordPress comment id → our post id, for the comments a reply may name
        batch_posts = {c.wp_id: self.posts[item.wp_id] for item, _ in batch for c in item.comments}
        levels: dict[int, list[dict]] = defaultdict(list)
        for item, _ in batch:
            post_id = self.posts[item.wp_id]
            by_id = self.new_comments(item)
            for comment in by_id.values():
                if self.post_of(comment.parent, batch_posts) not in (None, post_id):
                    # A damaged file: a thread never spans two posts, so the reply starts its own.
                    self.report.notes["replies to a comment of another post, made top-level"] += 1
                    comment.parent = 0
                depth = self.depth(comment, by_id)
                levels[depth].append(self.comment_row(comment, post_id))
        comments = Comment.__table__
        for depth in sorted(levels):
            rows = levels[depth]
            for row in rows:
                parent = self.comments.get(row["parent_id"]) if row["parent_id"] else None
                if row["parent_id"] and parent is None:
                    self.report.notes["replies to a comment not imported, made top-level"] += 1
                row["parent_id"], row["root_id"] = (
                    (parent.id, parent.root_id) if parent else (None,) * 2
                )
            ids = db.session.scalars(
                comments.insert().returning(comments.c.id, sort_by_parameter_order=True), rows
            ).all()
            for row, comment_id in zip(rows, ids, strict=True):
                self.comments[row["wp_id"]] = StoredComment(
                    comment_id, thread_root(comment_id, row["root_id"]), row["post_id"]
                )

    def new_comments(self, item: reader.Item) -> dict[int, reader.Comment]:
        """The item's comments to import, by WordPress id; the others counted in the report."""
        by_id = {}
        for comment in item.comments:
            if comment.wp_id in self.comments or comment.wp_id in by_id:
                self.report.already["comments"] += 1
            elif comment.type in PING_TYPES:
                self.report.skipped["pingbacks and trackbacks"] += 1
            elif comment.type not in COMMENT_TYPES:
                self.report.skipped[f"comments of type '{comment.type}'"] += 1
            elif not comment.wp_id:
                self.report.skipped["comments without a valid wp:comment_id"] += 1
            elif len(comment.content) > WP_COMMENT_MAX_LENGTH:
                self.report.skipped[TOO_LONG_COMMENTS] += 1
            else:
                by_id[comment.wp_id] = comment
        return by_id

    def post_of(self, wp_comment_id: int, batch_posts: dict[int, int]) -> int | None:
        """Our id of the post a comment belongs to, if it is stored or in this batch."""
        stored = self.comments.get(wp_comment_id)
        return stored.post_id if stored else batch_posts.get(wp_comment_id)

    def depth(self, comment: reader.Comment, by_id: dict[int, reader.Comment]) -> int:
        """How deep in its thread: 0 for a comment whose parent is absent or already stored."""
        depth, seen, parent = 0, {comment.wp_id}, comment.parent
        while parent in by_id and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = by_id[parent].parent
        if parent in seen:  # a loop of parents in a damaged file: make it top-level
            comment.parent = 0
            return 0
        return depth

    def comment_row(self, comment: reader.Comment, post_id: int) -> dict:
        status = COMMENT_STATES.get(comment.approved, CommentStatus.PENDING)
        self.report.comments[status.value] += 1
        body = text.clean_text(comment.content) or ""
        rendered = Comment(body=body)
        rendered.render()  # the same sanitizer as comments written here
        return {
            "wp_id": comment.wp_id,
            "post_id": post_id,
            "parent_id": comment.parent or None,  # a WordPress id until written
            "root_id": None,
            "user_id": self.wp_users.get(comment.user_id),
            "author_name": _line(comment.author, 100) or "Anonymous",
            "author_email": _line(comment.email, 254),
            "author_url": _safe_url(comment.url),
            "author_ip": _line(comment.ip, 45),
            "body": body,
            **rendered.rendered_values(),
            "status": status,
            "created_at": item_date(comment.date_gmt, comment.date, self.zone) or utcnow(),
            "form_nonce": None,
        }


def _safe_url(value: str) -> str:
    url = text.safe_web_url(_line(value, 200))
    return url or ""


def import_file(
    path: Path,
    zone: ZoneInfo,
    progress: Callable[[int, ImportReport], None] | None = None,
    batch_size: int = BATCH_SIZE,
    uploads: Path | None = None,
) -> ImportReport:
    """Import the WXR file at ``path`` in one transaction; raises WXRError if unreadable.

    ``uploads``: a copy of the old site's wp-content/uploads, whose images become ours.
    """
    importer = Importer(zone, batch_size, Uploads(uploads) if uploads else None)
    try:
        with path.open("rb") as file:
            importer.run(file, progress)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if importer.uploads is not None:
        importer.report.media_lines = importer.uploads.lines()
    return importer.report
