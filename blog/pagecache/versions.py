"""Topic versions: when what a page shows last changed.

A stored page or fragment records the version token of every topic it was
made from (blog/models.py names them: the site, the comment feeds, one post's
discussion). A commit that changes what readers see renews the topics the
models say it touches, so only the pages showing the change are made again:
an approved comment renews its post's discussion and the comment feeds, not
the home page. Tokens are read before a page is rendered, so a page rendered
while a commit lands is filed under the older token and never served as new.

The site's version also knows when the next scheduled post is due: once that
time passes, the site is renewed and the post appears everywhere.
"""

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, g, has_app_context

from blog.extensions import cache, db
from blog.models import BULK_TOPICS, SITE, Post, PostStatus, utcnow

UNKNOWN = 0.0  # the next publication has not been looked up yet
NEVER_RENEWED = "never-renewed"


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: float
    # SITE only: when the next scheduled post appears (None: none is scheduled).
    next_due: float | None = None

    @classmethod
    def new(cls, topic: str) -> "Version":
        return cls(secrets.token_hex(8), time.time(), UNKNOWN if topic == SITE else None)

    @classmethod
    def initial(cls, topic: str) -> "Version":
        """The version of a topic never renewed: the same everywhere, so never stored.

        Pages name topics from their URL (a slug, a month) before anything is
        looked up: a stranger's made-up slugs must not leave a row each.
        """
        return cls(NEVER_RENEWED, time.time(), UNKNOWN if topic == SITE else None)

    @property
    def is_settled(self) -> bool:
        """Whether this version holds without asking the database."""
        return self.next_due is None or self.next_due > time.time()


def key(topic: str) -> str:
    return f"version:{topic}"


def stored(store, topics: Iterable[str]) -> dict[str, Version]:
    """The versions of ``topics`` straight from ``store`` (the WSGI layer reads them so)."""
    topics = list(topics)
    found = store.get_many(*map(key, topics))
    return {
        topic: version or Version.initial(topic)
        for topic, version in zip(topics, found, strict=True)
    }


def current(topics: Iterable[str]) -> dict[str, Version]:
    """The versions of ``topics`` for this request, each read once."""
    known = g.setdefault("versions", {})
    missing = [topic for topic in topics if topic not in known]
    known.update(stored(cache, missing))
    if SITE in missing:
        known[SITE] = settled_site(known[SITE])
    return {topic: known[topic] for topic in topics}


def settled_site(version: Version) -> Version:
    """The site's version once it knows its next publication, renewed when that has come."""
    if version.is_settled:
        return version
    if version.next_due != UNKNOWN:  # a scheduled post is due
        version = Version.new(SITE)
    version = Version(version.token, version.changed_at, next_publication())
    cache.set(key(SITE), version, timeout=0)
    return version


def next_publication() -> float | None:
    """When the next scheduled post goes live, as a Unix time."""
    due = db.session.scalar(
        sa.select(sa.func.min(Post.published_at)).where(
            Post.status == PostStatus.PUBLISHED, Post.published_at > utcnow()
        )
    )
    return due.timestamp() if due else None


def renew(topics: Iterable[str]) -> None:
    for topic in topics:
        cache.set(key(topic), Version.new(topic), timeout=0)
        g.get("versions", {}).pop(topic, None)


def is_current(recorded: tuple[tuple[str, str], ...], versions: dict) -> bool:
    """Whether what a page was made from (topic, token pairs) is still what readers see."""
    return all(
        (version := versions.get(topic)) is not None and version.token == token
        for topic, token in recorded
    )


def tokens(versions: dict[str, Version]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((topic, version.token) for topic, version in versions.items()))


# Knowing which topics a commit renews -------------------------------------------


def init_app() -> None:
    if not sa.event.contains(sa.orm.Session, "after_flush", note_changes):
        sa.event.listen(sa.orm.Session, "after_flush", note_changes)
        sa.event.listen(sa.orm.Session, "do_orm_execute", note_bulk_changes)
        sa.event.listen(sa.orm.Session, "after_commit", renew_changed_topics)
        sa.event.listen(sa.orm.Session, "after_soft_rollback", forget_changes)


def changed_topics(session) -> set[str]:
    return session.info.setdefault("changed_topics", set())


def note_changes(session, flush_context) -> None:
    topics = changed_topics(session)
    for instance in (*session.new, *session.dirty):
        topics |= reader_topics(instance)
    for instance in session.deleted:
        topics |= reader_topics(instance, deleted=True)


def reader_topics(instance, deleted: bool = False) -> set[str]:
    topics_of = getattr(instance, "reader_topics", None)
    return topics_of(deleted) if topics_of else set()


def note_bulk_changes(execute_state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements (imports, bulk moderation) bypass the flush."""
    if execute_state.is_insert or execute_state.is_update or execute_state.is_delete:
        table = execute_state.statement.table.name
        changed_topics(execute_state.session).update(BULK_TOPICS.get(table, ()))


def renew_changed_topics(session) -> None:
    topics = session.info.pop("changed_topics", set())
    if topics and has_app_context() and current_app.extensions.get("cache"):
        renew(topics)


def forget_changes(session, previous_transaction) -> None:
    session.info.pop("changed_topics", None)
