"""The blog's data: authors, posts and tags."""

import enum
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from blog import text
from blog.extensions import db
from blog.i18n import UNSTEMMED, site_search_config
from blog.media.rendering import hashes_in


def utcnow() -> datetime:
    return datetime.now(UTC)


# What readers see, named for the page cache (blog/pagecache/versions.py): a
# change renews the topics it touches, and a stored page is good while the
# topics it was made from are unchanged.
SITE = "site"  # every reader's page: tags, authors' names, anything changed in bulk
POSTS = "posts"  # the published posts: home, feeds, search, the sidebar, neighbours
# Every tag's page and feed: for a change to a post whose tags were not loaded.
TAG_PAGES = "tag-pages"
COMMENTS = "comments"  # the comment feeds and the sidebar's recent comments
# Tables whose bulk INSERT/UPDATE/DELETE (imports, bulk moderation) readers may see,
# with what they renew: a bulk statement does not say which rows it touched.
BULK_TOPICS = {
    "posts": {SITE},
    "tags": {SITE},
    "post_tags": {SITE},
    "users": {SITE, COMMENTS},
    "comments": {SITE, COMMENTS},
}


def post_topic(slug: str) -> str:
    """The topic of one post's own words: its page and its comment feed.

    Named by slug, so a post page can read its version before it finds the post.
    """
    return f"post:{slug}"


def tag_topic(slug: str) -> str:
    """One tag's page and feed: a post with that tag (or that lost it) changed."""
    return f"tag:{slug}"


def archive_topic(year: int, month: int | None = None) -> str:
    """One year's or one month's archive, dated in UTC like the permalinks."""
    return f"month:{year:04d}-{month:02d}" if month else f"year:{year:04d}"


def discussion_of(post_id: int) -> str:
    """The topic of one post's comments: its page and its comment feed."""
    return f"discussion:{post_id}"


def one_of(column: str, values: type[enum.StrEnum]) -> sa.CheckConstraint:
    """``column IN ('a', 'b')``, named after the column, from the enum's values."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=column)


def rendered_values(instance, columns: tuple[str, ...]) -> dict:
    """What ``render()`` derived, as plain values for a bulk INSERT (Markup as str)."""
    values = {name: getattr(instance, name) for name in columns}
    return {name: str(value) if isinstance(value, str) else value for name, value in values.items()}


def _statuses(instance) -> set[str]:
    """The status an object has now, and the one it had before this flush."""
    return {instance.status, *sa.inspect(instance).attrs.status.history.deleted}


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes in Python, whatever the database stores.

    SQLite has no time zones; storing naive UTC everywhere keeps both
    databases identical and every value comparable with ``utcnow()``.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class PostKind(enum.StrEnum):
    POST = "post"  # dated, in the lists and feeds
    PAGE = "page"  # at its own path (/about/team/), in the sitemap, search and the menu


class Role(enum.StrEnum):
    """What a user may do: blog/roles.py says it for every route and object."""

    ADMINISTRATOR = "administrator"  # everything
    AUTHOR = "author"  # their own posts and pages, and the comments on them


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # cannot log in; re-enabled by an administrator
    # Removed, but kept because their posts were: the name stays on them, nothing else.
    REMOVED = "removed"


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    TRASH = "trash"
    # Deleted for good, but kept as an anonymous placeholder for its replies.
    REMOVED = "removed"


post_tags = sa.Table(
    "post_tags",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def password_hash_method() -> str:
    """scrypt, unless the app's config chooses another (the tests choose a cheap one)."""
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


def first_session_version() -> int:
    """Far below the column's 2**31 limit, so bumping it never overflows."""
    return secrets.randbelow(2**30) + 1


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('administrator', 'author')", name="role"),
        sa.CheckConstraint("status IN ('active', 'disabled', 'removed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    # Part of the login cookie: bumping it (logout, new password) ends every session.
    # It starts at random: SQLite may give a new user a deleted user's id, and
    # the deleted user's cookie must not open the new account.
    session_version: Mapped[int] = mapped_column(default=first_session_version)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Never shown to readers: for the author's own profile (and, later, mail).
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    # A user from before roles existed could do everything: the migration and a
    # restored older backup (blog/backup.py) make them administrators.
    role: Mapped[str] = mapped_column(
        sa.String(16),
        default=Role.AUTHOR,
        server_default=Role.AUTHOR.value,
        info={"before_it_existed": Role.ADMINISTRATOR.value},
    )
    status: Mapped[str] = mapped_column(
        sa.String(16), default=UserStatus.ACTIVE, server_default=UserStatus.ACTIVE.value
    )
    # A one-time setup link (blog/users/setup.py): only the token's SHA-256 is kept.
    setup_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        """Flask-Login's question: a disabled or removed user has no session."""
        return self.status == UserStatus.ACTIVE

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.end_sessions()

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie of this user invalid."""
        self.session_version = (self.session_version or first_session_version()) + 1

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """Readers see an author's name on their posts and comments."""
        if deleted or sa.inspect(self).attrs.display_name.history.has_changes():
            return {SITE, COMMENTS}
        return set()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(db.Model):
    """A login attempt: recorded before its password is checked, kept for the
    throttling window unless it succeeds (blog/auth.py)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    address: Mapped[str] = mapped_column(sa.String(45), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)

    posts: Mapped[list["Post"]] = relationship(
        secondary=post_tags, back_populates="tags", lazy="raise"
    )

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """Its name is on every post that has it: renamed or deleted, any page may change.

        A new tag, or a tag given to a post, shows through that post's own change.
        """
        attributes = sa.inspect(self).attrs
        renamed = attributes.name.history.deleted or attributes.slug.history.deleted
        return {SITE} if deleted or renamed else set()

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


# The longest Markdown source the editor accepts (the WordPress import refuses longer posts).
POST_BODY_MAX_LENGTH = 200_000


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        sa.Index("ix_posts_status_published_at", "status", "published_at"),
        one_of("status", PostStatus),
        one_of("kind", PostKind),
    )
    # What render() derives from the body and excerpt: every writer of posts
    # (the mapper event below, the WXR importer's bulk INSERT) stores all of them.
    RENDERED_COLUMNS = ("body_html", "body_text", "reading_minutes", "excerpt_html", "has_more")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    # The words of the rendered body: what search indexes and snippets quote.
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    # PostgreSQL's text-search configuration the words are indexed in (its
    # search_vector reads it): the site's language when last written, or
    # re-set for every post when the language changes (blog/search.py).
    search_config: Mapped[str] = mapped_column(
        sa.String(63).with_variant(REGCONFIG, "postgresql"),
        default=site_search_config,
        onupdate=site_search_config,
        server_default=UNSTEMMED,
    )
    reading_minutes: Mapped[int] = mapped_column(default=1)
    excerpt: Mapped[str] = mapped_column(sa.Text, default="")
    excerpt_html: Mapped[str] = mapped_column(sa.Text, default="")
    has_more: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default=PostStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: the dashboard lists posts newest first, a page at a time.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    allow_comments: Mapped[bool] = mapped_column(default=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The WordPress post id of an imported post: re-imports skip it, /?p=ID finds it.
    wp_id: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True, index=True)
    # A page lives at its parents' path and its own slug, in its place among its siblings.
    kind: Mapped[str] = mapped_column(
        sa.String(8), default=PostKind.POST, server_default=PostKind.POST.value
    )
    # No foreign key: SQLite could only add one by rebuilding posts (and its search
    # triggers). Deleting a page clears its children's parent_id (below).
    parent_id: Mapped[int | None] = mapped_column(index=True)
    menu_order: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, back_populates="posts", lazy="raise", order_by=Tag.name
    )

    def render(self, connection: sa.Connection | None = None) -> None:
        """Turn the Markdown source into the sanitized HTML that pages show.

        ``connection``: the one a flush is writing with, to look up the images.
        """
        images = media_shown_in(self.body or "", connection)
        self.body_html = text.render_markdown(self.body or "", images)
        self.body_text = text.plain_text(self.body_html)
        self.reading_minutes = text.reading_minutes(self.body_text)
        self.excerpt_html, self.has_more = text.make_excerpt(
            self.body or "", self.body_html, self.excerpt or ""
        )

    def rendered_values(self) -> dict:
        return rendered_values(self, self.RENDERED_COLUMNS)

    @hybrid_property
    def is_published(self) -> bool:
        """Visible to readers: published, and its date has come."""
        return (
            self.status == PostStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= utcnow()
        )

    @is_published.inplace.expression
    @classmethod
    def _is_published_clause(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == PostStatus.PUBLISHED, cls.published_at <= utcnow())

    @property
    def is_scheduled(self) -> bool:
        return self.status == PostStatus.PUBLISHED and not self.is_published

    @property
    def display_date(self) -> datetime:
        return self.published_at or self.created_at

    @property
    def is_page(self) -> bool:
        return self.kind == PostKind.PAGE

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """A post that is or was published: its own page, the lists that show it.

        Before and after the change: a post moved to another slug, date or tag
        leaves the old page, archive and tag page as well as joining the new.
        """
        if PostStatus.PUBLISHED not in _statuses(self):
            return set()
        attributes = sa.inspect(self).attrs
        slugs = {self.slug, *attributes.slug.history.deleted}
        if self.is_page:
            return self._page_topics(slugs, deleted)
        dates = {self.published_at, *attributes.published_at.history.deleted} - {None}
        archives = {archive_topic(date.year, month) for date in dates
                    for month in (None, date.month)}  # fmt: skip
        return {POSTS, *map(post_topic, slugs), *archives, *self._tag_topics()}

    def _page_topics(self, slugs: set[str], deleted: bool) -> set[str]:
        """Its own page, search and the sitemap; every page when the menu or paths may change.

        A page's title is in the menu, and its slug in its children's paths.
        """
        attributes = sa.inspect(self).attrs
        moved = deleted or any(attributes[name].history.has_changes() for name in
                               ("title", "slug", "status", "parent_id", "menu_order"))  # fmt: skip
        return {POSTS, *map(post_topic, slugs), *({SITE} if moved else ())}

    def _tag_topics(self) -> set[str]:
        if "tags" in sa.inspect(self).unloaded:
            return {TAG_PAGES}
        added, kept, removed = sa.inspect(self).attrs.tags.history
        return {tag_topic(tag.slug) for tag in (*added, *kept, *removed)}

    def __repr__(self) -> str:
        return f"<Post {self.slug}>"


def published_posts() -> sa.Select:
    """Posts readers may see, newest first (pages are not in the lists)."""
    return (
        sa.select(Post)
        .where(Post.is_published, Post.kind == PostKind.POST)
        .order_by(Post.published_at.desc(), Post.id.desc())
    )


def published_pages() -> sa.Select:
    """Pages readers may see, in their order among their siblings."""
    return (
        sa.select(Post)
        .where(Post.is_published, Post.kind == PostKind.PAGE)
        .order_by(Post.menu_order, Post.title, Post.id)
    )


@sa.event.listens_for(Post, "before_insert")
@sa.event.listens_for(Post, "before_update")
def _render_post_on_write(mapper, connection, post: Post) -> None:
    state = sa.inspect(post)
    if not state.has_identity or any(
        state.attrs[name].history.has_changes() for name in ("body", "excerpt")
    ):
        post.render(connection)


@sa.event.listens_for(Post, "after_delete")
def _orphans_move_up(mapper, connection, post: Post) -> None:
    """A deleted page's children become top-level pages."""
    if post.is_page:
        table = Post.__table__
        connection.execute(
            table.update().where(table.c.parent_id == post.id).values(parent_id=None)
        )


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        sa.Index("ix_comments_post_id_status_created_at", "post_id", "status", "created_at"),
        sa.Index("ix_comments_status_created_at", "status", "created_at"),
        sa.Index("ix_comments_author_email_status", "author_email", "status"),
        one_of("status", CommentStatus),
    )
    RENDERED_COLUMNS = ("body_html",)  # what render() derives from the body

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    # The top-level comment of the thread (None for a top-level comment), so a
    # page of threads loads in one query.
    root_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(100))
    author_email: Mapped[str] = mapped_column(sa.String(254), default="")
    author_url: Mapped[str] = mapped_column(sa.String(200), default="")
    author_ip: Mapped[str] = mapped_column(sa.String(45), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=CommentStatus.PENDING)
    # Why the intake rules held it or called it spam, shown on the moderation screen.
    held_reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The one-time nonce of the form it came from: the same form sent twice stores once.
    form_nonce: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    # The WordPress comment id of an imported comment: re-imports skip it.
    wp_id: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True, index=True)

    post: Mapped[Post] = relationship(lazy="raise")
    parent: Mapped["Comment | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], lazy="raise"
    )

    @classmethod
    def reply_to(cls, parent: "Comment | None", *, post_id: int, author=None, **fields):
        """A new comment on a post, answering ``parent`` if there is one.

        It joins its parent's thread (``root_id`` is the thread's top comment). Written
        by ``author``, a logged-in user, it carries their name and needs no moderation.
        """
        comment = cls(
            post_id=post_id,
            parent_id=parent.id if parent else None,
            root_id=parent.thread_id if parent else None,
            **fields,
        )
        if author is not None:
            comment.user_id = author.id
            comment.author_name = author.display_name
            comment.status = CommentStatus.APPROVED
        return comment

    def render(self) -> None:
        self.body_html = text.render_comment(self.body or "")

    def rendered_values(self) -> dict:
        return rendered_values(self, self.RENDERED_COLUMNS)

    @hybrid_property
    def thread_id(self) -> int:
        """The top-level comment of its thread: its own id if it is one."""
        return thread_root(self.id, self.root_id)

    @thread_id.inplace.expression
    @classmethod
    def _thread_id_expression(cls) -> sa.ColumnElement[int]:
        return sa.func.coalesce(cls.root_id, cls.id)

    def is_by_author_of(self, post: "Post") -> bool:
        """Written by the post's own author, logged in: the "Post author" badge.

        Another author's comment is a logged-in user's, but not the post author's.
        """
        return self.user_id is not None and self.user_id == post.author_id

    def reader_topics(self, deleted: bool = False) -> set[str]:
        """A comment readers see (or saw) is on its post's page and in the comment feeds."""
        if _statuses(self) & {CommentStatus.APPROVED, CommentStatus.REMOVED}:
            return {discussion_of(self.post_id), COMMENTS}
        return set()

    def __repr__(self) -> str:
        return f"<Comment {self.id} on post {self.post_id}>"


def thread_root(comment_id: int, root_id: int | None) -> int:
    """The thread a comment is in, from its id and its root_id column."""
    return root_id or comment_id


@sa.event.listens_for(Comment, "before_insert")
@sa.event.listens_for(Comment, "before_update")
def _render_comment_on_write(mapper, connection, comment: Comment) -> None:
    state = sa.inspect(comment)
    if not state.has_identity or state.attrs["body"].history.has_changes():
        comment.render()


class LegacyLink(db.Model):
    """An old (WordPress) path that now lives at a post or a tag page: answered with a 301."""

    __tablename__ = "legacy_links"
    __table_args__ = (
        sa.CheckConstraint("(post_id IS NULL) <> (tag_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Percent-decoded, lower-cased, without the trailing slash: see blog.redirects.normalize.
    path: Mapped[str] = mapped_column(sa.String(500), unique=True, index=True)
    post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    tag_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tags.id", ondelete="CASCADE"), index=True
    )

    def __repr__(self) -> str:
        return f"<LegacyLink {self.path}>"


class MediaItem(db.Model):
    """An uploaded image: its renditions in the media store, and what the library shows.

    One row per distinct upload (by hash), so the same photo uploaded twice is
    stored once. Posts refer to it by URL in their Markdown.
    """

    __tablename__ = "media_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))  # as uploaded, shown in the library
    alt: Mapped[str] = mapped_column(sa.String(500), default="")  # offered when inserted
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    uploaded_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    # Each stored file: {"width", "height", "ext", "bytes"}; the WebP ones narrowest
    # first, then the fallback (JPEG or PNG) that browsers without WebP get as src.
    renditions: Mapped[list[dict]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The WordPress attachment id of an imported item.
    wp_id: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    # Who uploaded it (None: imported, or the uploader was removed): authors
    # change and delete only their own (blog/roles.py). No foreign key, as for
    # posts.parent_id: SQLite could only add one by rebuilding the table, so
    # removing a user clears it (blog/users/accounts.py).
    uploader_id: Mapped[int | None] = mapped_column(index=True)

    def file_name_of(self, rendition: dict) -> str:
        return f"{self.sha256[:2]}/{self.sha256}-{rendition['width']}.{rendition['ext']}"

    @property
    def fallback(self) -> dict:
        return self.renditions[-1]

    @property
    def srcset(self) -> list[dict]:
        return self.renditions[:-1]

    @property
    def stored_bytes(self) -> int:
        return sum(rendition["bytes"] for rendition in self.renditions)

    def stored_names(self) -> list[str]:
        return [self.file_name_of(rendition) for rendition in self.renditions]

    def __repr__(self) -> str:
        return f"<MediaItem {self.id} {self.file_name}>"


def media_shown_in(source: str, connection: sa.Connection | None = None) -> dict[str, dict]:
    """The media rows (hash, renditions) a post's source refers to, by hash."""
    hashes = hashes_in(source)
    if not hashes:
        return {}
    select = sa.select(MediaItem.sha256, MediaItem.renditions).where(MediaItem.sha256.in_(hashes))
    rows = (connection or db.session).execute(select)
    return {row.sha256: row._asdict() for row in rows}
