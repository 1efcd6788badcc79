"""Earlier versions of a post: revisions kept on every save, and autosaves.

A revision is the post as it was before a save changed it; restoring one is
itself a save, so it keeps the version it replaces. Autosaves are what the
editor held while the author typed (every 30 s with JavaScript, on every
Preview without): kept apart, a few per author and post, and offered back in
the editor when they are newer than the post.
"""

import difflib
import enum
import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blog.extensions import db
from blog.models import Post, User, UTCDateTime, utcnow

# The fields a revision keeps, in the order a diff shows them.
FIELDS = ("title", "body", "excerpt", "tags", "status")
FIELD_NAMES = {"title": _l("Title"), "body": _l("Body"), "excerpt": _l("Excerpt"),
               "tags": _l("Tags"), "status": _l("Status")}  # fmt: skip
# Only these are put back by a restore: the address, status and date stay as
# they are now, so restoring old words never unpublishes or moves a post.
RESTORED_FIELDS = ("title", "body", "excerpt", "tags")
_WORDS = re.compile(r"\s+|[^\s]+")
# A changed passage longer than this (words before × words after) is shown as
# removed and added as a whole: pairing its words would cost too much.
MAX_WORD_PAIRS = 4_000_000


class RevisionKind(enum.StrEnum):
    REVISION = "revision"
    AUTOSAVE = "autosave"


class PostRevision(db.Model):
    __tablename__ = "post_revisions"
    __table_args__ = (
        sa.Index("ix_post_revisions_post_id_kind_created_at", "post_id", "kind", "created_at"),
        sa.CheckConstraint("kind IN ('revision', 'autosave')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the autosave of a post not saved yet (it belongs to its author).
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), default=RevisionKind.REVISION)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    slug: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    excerpt: Mapped[str] = mapped_column(sa.Text, default="")
    # The tag names as the editor's field writes them: "Food, Python".
    tags: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The WordPress id of an imported revision: re-imports skip it.
    wp_id: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)

    author: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_autosave(self) -> bool:
        return self.kind == RevisionKind.AUTOSAVE

    def __repr__(self) -> str:
        return f"<PostRevision {self.id} of post {self.post_id}>"


def tag_field(post: Post) -> str:
    return ", ".join(tag.name for tag in post.tags)


def stored_version(post: Post) -> dict:
    """What a revision keeps, as the post has it now: call before the form is copied."""
    version = {name: _value(post, name) for name in (*FIELDS, "slug", "published_at")}
    # The version was saved at updated_at; the post does not record by whom,
    # so its author stands for it.
    version.update(created_at=post.updated_at or utcnow(), author_id=post.author_id)
    return version


def write_keeping_history(post: Post, author: User, write: Callable[[], None]) -> bool:
    """Apply ``write`` to a post or page, keep the version it replaces and drop the
    author's autosaves; the caller commits. False, with nothing written, when another
    request took the slug meanwhile (the revision statements flush the post)."""
    previous = stored_version(post) if post.id is not None else None
    write()
    db.session.add(post)
    try:
        if previous is not None:
            keep_previous(post, previous)
        forget_autosaves(post.id, author)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def keep_previous(post: Post, previous: dict) -> PostRevision | None:
    """Keep ``previous`` (from stored_version) if this save changes any of its fields."""
    if all(previous[name] == _value(post, name) for name in FIELDS):
        return None
    revision = PostRevision(post_id=post.id, kind=RevisionKind.REVISION, **previous)
    db.session.add(revision)
    _prune(post.id, None, RevisionKind.REVISION, current_app.config["REVISIONS_KEPT"])
    return revision


def _value(post: Post, name: str):
    return tag_field(post) if name == "tags" else getattr(post, name)


def autosave(post_id: int | None, author: User, fields: dict[str, str]) -> PostRevision:
    """Keep what the editor holds; only the last AUTOSAVES_KEPT per post and author stay."""
    revision = PostRevision(
        post_id=post_id, author_id=author.id, kind=RevisionKind.AUTOSAVE, **fields
    )
    db.session.add(revision)
    db.session.flush()
    _prune(post_id, author.id, RevisionKind.AUTOSAVE, current_app.config["AUTOSAVES_KEPT"])
    return revision


def _prune(post_id: int | None, author_id: int | None, kind: str, keep: int) -> None:
    if not keep:
        return
    same = [PostRevision.kind == kind, PostRevision.post_id.is_(post_id)]
    if post_id is not None:
        same[1] = PostRevision.post_id == post_id
    if author_id is not None:
        same.append(PostRevision.author_id == author_id)
    newest = (
        sa.select(PostRevision.id)
        .where(*same)
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        .limit(keep)
    )
    db.session.execute(
        sa.delete(PostRevision).where(*same, PostRevision.id.not_in(newest.scalar_subquery()))
    )


def newer_autosave(post: Post | None, author: User) -> PostRevision | None:
    """The author's latest autosave of ``post`` (None: a new post), if newer than its save."""
    select = sa.select(PostRevision).where(
        PostRevision.kind == RevisionKind.AUTOSAVE, PostRevision.author_id == author.id
    )
    if post is None or post.id is None:
        select = select.where(PostRevision.post_id.is_(None))
    else:
        select = select.where(
            PostRevision.post_id == post.id, PostRevision.created_at > post.updated_at
        )
    return db.session.scalar(
        select.order_by(PostRevision.created_at.desc(), PostRevision.id.desc()).limit(1)
    )


def forget_autosaves(post_id: int | None, author: User) -> None:
    """A save keeps the text for good: the author's autosaves of it are done with."""
    same_post = (
        PostRevision.post_id.is_(None) if post_id is None else PostRevision.post_id == post_id
    )
    db.session.execute(
        sa.delete(PostRevision).where(
            PostRevision.kind == RevisionKind.AUTOSAVE,
            PostRevision.author_id == author.id,
            same_post,
        )
    )


def history(post_id: int) -> list[PostRevision]:
    """A post's revisions and autosaves, newest first, with their authors."""
    return list(
        db.session.scalars(
            sa.select(PostRevision)
            .where(PostRevision.post_id == post_id)
            .options(sa.orm.selectinload(PostRevision.author))
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


def as_version(post: Post) -> PostRevision:
    """The post as it is now, shaped like a revision so it can be compared with one."""
    return PostRevision(
        post_id=post.id,
        **{name: _value(post, name) for name in FIELDS},
        created_at=post.updated_at,
    )


def word_diff(old: str, new: str) -> Markup:
    """``new`` with the words taken out of ``old`` in ``<del>`` and those added in ``<ins>``.

    Lines are matched first, then words within the lines that changed, so a
    long post costs what its changes cost. Both texts are escaped; only the
    markers are markup.
    """
    before, after = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    parts = []
    for operation, a_start, a_end, b_start, b_end in _opcodes(before, after):
        removed, added = "".join(before[a_start:a_end]), "".join(after[b_start:b_end])
        parts.append(escape(added) if operation == "equal" else _changed_words(removed, added))
    return Markup("").join(parts)


def _opcodes(before: list[str], after: list[str]) -> list[tuple]:
    return difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()


def _changed_words(old: str, new: str) -> Markup:
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    if len(before) * len(after) > MAX_WORD_PAIRS:  # too big to pair up word by word
        return _marked(old, new)
    parts = []
    for operation, a_start, a_end, b_start, b_end in _opcodes(before, after):
        removed, added = "".join(before[a_start:a_end]), "".join(after[b_start:b_end])
        parts.append(escape(added) if operation == "equal" else _marked(removed, added))
    return Markup("").join(parts)


def _marked(removed: str, added: str) -> Markup:
    return (Markup("<del>{}</del>").format(removed) if removed else Markup("")) + (
        Markup("<ins>{}</ins>").format(added) if added else Markup("")
    )


def compare(old: PostRevision, new: PostRevision) -> list[tuple[str, Markup, bool]]:
    """Each field's diff, and whether it changed."""
    return [
        (name, word_diff(getattr(old, name), getattr(new, name)),
         getattr(old, name) != getattr(new, name))
        for name in FIELDS
    ]  # fmt: skip
