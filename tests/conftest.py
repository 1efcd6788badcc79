"""Fixtures: a migrated test database, the app, a client, an author, posts.

Set ``TEST_DATABASE_URL`` to a PostgreSQL server URL to run everything on
PostgreSQL: a fresh database is created for the run and dropped after it.
"""

import os
import re

# Imported before any test: pytest's unraisable-exception hook imports it lazily,
# and a garbage collection during that import (werkzeug's test client leaves
# uploads over 500 KB in temporary files for the collector) made the hook fail
# a random test with "partially initialized module 'tracemalloc'".
import tracemalloc  # noqa: F401
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
import sqlalchemy as sa
from flask import Flask, session
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from werkzeug.routing import Rule

from blog import create_app
from blog.auth import start_session
from blog.extensions import db
from blog.models import (
    Comment,
    CommentStatus,
    MediaItem,
    Post,
    PostKind,
    PostStatus,
    Role,
    Tag,
    User,
    utcnow,
)
from blog.revisions import PostRevision
from blog.site.models import MenuItem, MenuKind
from tests import live_server as live
from tests import pseudo_locale
from tests.databases import scratch_database
from tests.mail_server import MailServer

TEST_PASSWORD = "correct horse battery staple"
# One round of PBKDF2: the hashing path without scrypt's ~0.2 s a login.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
# The comment form's per-reader hidden fields: the CSRF token and the signed stamp.
HIDDEN_INPUT = r'<input[^>]*name="({names})"[^>]*value="([^"]*)"'
FORM_TOKENS = re.compile(HIDDEN_INPUT.format(names="csrf_token|issued"))


class CompiledTemplates(BytecodeCache):
    """Templates compiled once a run and shared by every app a test makes.

    Compiling them again for each test's app was ~40 % of the suite's time. A
    bucket's checksum is its template's source, so an edited template is compiled anew.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


class RuleBuiltOnce(Rule):
    """URL rules whose builder function is generated once a run, not once an app.

    Werkzeug writes and compiles Python code for each rule of each app; the suite
    makes some 2,000 apps of the same 60 rules, and that was ~13 ms of the 22 ms
    create_app takes. The builder is a function of the rule's text, its parsed
    parts and its defaults, which make the key. It overrides Werkzeug's private
    ``_compile_builder``: should Werkzeug rename it, every test fails at its first
    app, loudly, and this class can go.
    """

    builders: ClassVar[dict[tuple, Callable]] = {}

    def _compile_builder(self, append_unknown: bool = True):
        defaults = repr(sorted((self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        if key not in self.builders:
            self.builders[key] = super()._compile_builder(append_unknown)
        return self.builders[key]


Flask.url_rule_class = RuleBuiltOnce


def app_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key, never used in production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The time trap and the rate limit have their own tests; elsewhere a test
        # client posting at machine speed would trip them.
        "COMMENT_MIN_SECONDS": 0,
        "COMMENT_RATE_LIMIT": "",
        # A store of its own for each test's app (production shares a folder or Redis).
        "CACHE_TYPE": "SimpleCache",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "TEMPLATE_BYTECODE_CACHE": COMPILED_TEMPLATES,
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database for the whole run, migrated once."""
    with scratch_database(tmp_path_factory.mktemp("db"), "unit") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture
def app_settings(tmp_path) -> dict:
    """The test app's settings beyond app_config: a test module overrides this
    fixture to run its tests in another language, say."""
    # Uploaded pictures in the test's own folder, never the checkout's instance/.
    return {"MEDIA_STORAGE": str(tmp_path / "media")}


@pytest.fixture
def app(database_url, app_settings):
    app = create_app(app_config(database_url, **app_settings))
    yield app
    empty_database(app)


def empty_database(app) -> None:
    """Empty every table, children first, so the next test starts from nothing."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def hidden_fields(html: str, names: str = "csrf_token|issued") -> dict[str, str]:
    """A page's form values by name, for the inputs whose names match ``names`` (a regex)."""
    return dict(re.findall(HIDDEN_INPUT.format(names=names), html))


def csrf_token(response) -> str:
    token = hidden_fields(response.get_data(as_text=True), "csrf_token").get("csrf_token")
    assert token, "no CSRF token in the page"
    return token


def form_tokens(html: str) -> dict[str, str]:
    return hidden_fields(html)


def table_rows(app, skip=frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table (but ``skip``), in primary-key order: a snapshot to compare."""
    with app.app_context():
        return {
            table.name: [
                tuple(row)
                for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
            if table.name not in skip
        }


def post_form(client, url: str, data: dict, **kwargs):
    """Submit a form the way a browser does: GET it, then POST with its CSRF token."""
    token = csrf_token(client.get(url))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def permalink(client, title: str) -> str:
    """The link to a post as the home page shows it."""
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<a href="([^"]+)" rel="bookmark">' + re.escape(title) + "<", html)
    assert match, f"{title!r} is not on the home page"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="author", password=TEST_PASSWORD, next_url=None):
        """Through the login form, as the author does: for tests about logging in."""
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return post_form(self._client, url, {"username": username, "password": password})

    def login_through_session(self, username="author") -> None:
        """The session a successful login makes, without the form's two requests.

        The blog's own start_session fills it, in a request like the client's
        (same address and browser), so the session is the one the form would give.
        """
        app = self._client.application
        with app.test_request_context(environ_base=self._client.environ_base):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            start_session(user, remember=False)
            values = dict(session)
        with self._client.session_transaction() as client_session:
            client_session.clear()
            client_session.update(values)

    def logout(self):
        # Any page carries the logout form (and its token) while logged in.
        token = csrf_token(self._client.get("/"))
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def author(app) -> int:
    with app.app_context():
        # The site's owner, as the first user made with create-user is.
        user = User(username="author", display_name="Ada Author", role=Role.ADMINISTRATOR)
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


@pytest.fixture
def auth(client, author):
    return AuthActions(client)


@pytest.fixture
def make_post(app, author):
    """Insert a post through the models; returns its id."""

    def make(
        title="Hello world",
        body="Some *Markdown* text.",
        status=PostStatus.PUBLISHED,
        published_at: datetime | None = None,
        tags=(),
        **fields,
    ) -> int:
        if status == PostStatus.PUBLISHED and published_at is None:
            published_at = utcnow() - timedelta(minutes=1)
        with app.app_context():
            post = Post(
                title=title,
                slug=fields.pop("slug", None) or slug_of(title),
                body=body,
                status=status,
                published_at=published_at,
                author_id=author,
                **fields,
            )
            post.tags = [tag_named(name) for name in tags]
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def make_page(app, author):
    """Insert a page through the models (comments off, as the editor starts); returns its id."""

    def make(title="About", slug=None, parent=None, status=PostStatus.PUBLISHED, **fields) -> int:
        with app.app_context():
            page = Post(
                kind=PostKind.PAGE,
                title=title,
                slug=slug or title.lower().replace(" ", "-"),
                body=fields.pop("body", f"The {title} page."),
                status=status,
                published_at=utcnow() if status == PostStatus.PUBLISHED else None,
                parent_id=parent,
                author_id=author,
                allow_comments=fields.pop("allow_comments", False),
                **fields,
            )
            db.session.add(page)
            db.session.commit()
            return page.id

    return make


def make_user(username: str, role: Role = Role.AUTHOR) -> int:
    user = User(username=username, display_name=username.title(), role=role)
    user.set_password(TEST_PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user.id


def things_of(user_id: int, name: str) -> dict[str, int]:
    """A post with a held comment and a revision, a page and an image, all of ``user_id``."""
    post = Post(title=f"{name} post", slug=f"{name}-post", body="Words.", author_id=user_id,
                status=PostStatus.PUBLISHED, published_at=utcnow() - timedelta(days=1))  # fmt: skip
    page = Post(title=f"{name} page", slug=f"{name}-page", body="Words.", author_id=user_id,
                kind=PostKind.PAGE, status=PostStatus.DRAFT)  # fmt: skip
    db.session.add_all([post, page])
    db.session.flush()
    comment = Comment(post_id=post.id, author_name="Reader", body="Hello", status="pending")
    revision = PostRevision(post_id=post.id, title="Older", body="Older words.")
    media = MediaItem(sha256=f"{user_id:064d}", file_name=f"{name}.png", width=1, height=1,
                      uploaded_bytes=1, uploader_id=user_id,
                      renditions=[{"width": 1, "height": 1, "ext": ext, "bytes": 1}
                                  for ext in ("webp", "png")])  # fmt: skip
    db.session.add_all([comment, revision, media])
    db.session.flush()
    return {"post": post.id, "page": page.id, "comment": comment.id,
            "revision": revision.id, "media": media.id}  # fmt: skip


@pytest.fixture
def world(app, author):
    """The administrator (``author``), the logged-in author ``writer`` and ``other``."""
    with app.app_context():
        writer, other = make_user("writer"), make_user("other")
        menu = MenuItem(position=1, label="Home", kind=MenuKind.HOME)
        db.session.add(menu)
        mine, theirs = things_of(writer, "mine"), things_of(other, "theirs")
        world = {"admin": author, "writer": writer, "other": other, "mine": mine, "theirs": theirs}
        db.session.commit()
        world["menu"] = menu.id
        return world


@pytest.fixture
def writer(client, world):
    AuthActions(client).login("writer")
    return client


def insert_comment(app, post_id: int, parent_id: int | None = None, **fields) -> int:
    """Insert a comment through the models (a reply joins its parent's thread); its id."""
    with app.app_context():
        parent = db.session.get(Comment, parent_id) if parent_id is not None else None
        comment = Comment.reply_to(parent, post_id=post_id, **fields)
        db.session.add(comment)
        db.session.commit()
        return comment.id


@pytest.fixture
def make_comment(app):
    """Insert a comment through the models; returns its id."""
    counter = iter(range(1, 1000))

    def make(
        post_id: int,
        status: str = CommentStatus.APPROVED,
        parent_id: int | None = None,
        author_name: str | None = None,
        author_email: str | None = None,
        author_ip: str | None = None,
        body: str | None = None,
        **fields,
    ) -> int:
        number = next(counter)
        author_name = author_name or f"Reader {number}"
        return insert_comment(
            app,
            post_id,
            parent_id=parent_id,
            author_name=author_name,
            author_email=f"reader{number}@example.com" if author_email is None else author_email,
            author_ip=f"198.51.100.{number}" if author_ip is None else author_ip,
            body=f"Comment number {number} has something to say." if body is None else body,
            status=status,
            **fields,
        )

    return make


@contextmanager
def counting_queries(app):
    """The SQL statements run inside the block, in order."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def row_counts(app) -> dict[str, int]:
    """How many rows each table holds."""
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def tag_named(name: str) -> Tag:
    slug = slug_of(name)
    existing = db.session.scalar(sa.select(Tag).where(Tag.slug == slug))
    return existing or Tag(name=name, slug=slug)


# --- The app under gunicorn, and a real browser -----------------------------

LIVE_MARKERS = {"browser", "slow"}


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups
def pytest_collection_modifyitems(items) -> None:
    """Under pytest-xdist (``-n 2``), the tests that start gunicorn, Chromium or a
    load run one after another on one worker while the other takes the rest:
    two of them at once on a 2-core machine starve each other."""
    for item in items:
        if LIVE_MARKERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.xdist_group("live"))


def pytest_collection_finish(session) -> None:
    """Fail loudly where xdist no longer groups (pytest-xdist#1386: on pytest 9.2 its
    grouping is silently lost, and the live tests would run two at a time)."""
    if getattr(session.config.option, "loadgroup", False):  # set in an xdist worker
        live = [item.nodeid for item in session.items if item.get_closest_marker("xdist_group")]
        if live and not all(nodeid.endswith("@live") for nodeid in live):
            raise pytest.UsageError("pytest-xdist did not group the live tests: see setup.cfg")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def pseudo_catalogues(tmp_path_factory) -> str:
    """BABEL_TRANSLATION_DIRECTORIES holding the pseudo-locale (tests/pseudo_locale.py)."""
    return str(pseudo_locale.build_pseudo_catalogue(tmp_path_factory.mktemp("pseudo-locale")))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The blog under gunicorn with its own database and one author."""
    with serve_blog(tmp_path_factory.mktemp("live"), "live") as server:
        yield server


@contextmanager
def serve_blog(folder, label: str, **settings: str) -> Iterator[live.LiveServer]:
    """gunicorn on a fresh database with one author; ``settings`` are more environment."""
    with (
        scratch_database(folder, label) as url,
        live.blog_server(folder, url, TEST_PASSWORD, **settings) as server,
    ):
        yield server


def publish_on_live_blog(server: live.LiveServer, title: str, slug: str, body: str) -> str:
    """A post by the author, published now straight into a served blog's database; its URL."""
    app = create_app(app_config(server.database_url))
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "author"))
        post = Post(
            title=title, slug=slug, body=body,
            status=PostStatus.PUBLISHED, published_at=utcnow(), author_id=author.id,
        )  # fmt: skip
        db.session.add(post)
        db.session.commit()
        published = post.published_at
        db.engine.dispose()
    return f"{server.url}/{published:%Y/%m}/{slug}/"


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port; ``smtp.inbox`` holds what came."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}. Install it with "
            "`apt-get install chromium` (scripts/test.sh does this on Debian as root).",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
