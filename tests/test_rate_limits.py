"""Limits under gunicorn with four workers: comments per address, and login attempts.

With the embedded default (``diskcache://``, a folder in the instance folder)
and with Redis (``BLOG_RATELIMIT_STORAGE_URI=redis://…``) every worker counts
the comment rate limit in one place, so the limit is exact: ``memory://``
would let one address through up to workers × limit times. Login attempts
are counted in the database, recorded before their password is checked.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from blog import auth, create_app
from blog.extensions import db
from blog.models import Comment, LoginAttempt, Post, PostStatus, User, utcnow
from tests import live_server as live
from tests.conftest import app_config, form_tokens
from tests.databases import scratch_database
from tests.test_load import HOST, Reader, Submission

pytestmark = pytest.mark.slow

WORKERS = 4
LIMIT = 3
SENT = 20
CONCURRENT_LOGINS = 40


@contextmanager
def blog_under_gunicorn(folder, **settings: str) -> Iterator[tuple[int, Flask]]:
    """(port, an app on the same database) for the blog under WORKERS workers."""
    with scratch_database(folder, "limits") as url:
        port = live.free_port()
        env = live.server_env(folder, url, port)
        env.update(WEB_CONCURRENCY=str(WORKERS), **settings)
        process = live.start_gunicorn(env, folder)
        app = create_app(app_config(url))
        try:
            live.wait_until_up(f"http://{HOST}:{port}/", process, folder / "gunicorn.log")
            yield port, app
        finally:
            with app.app_context():
                db.engine.dispose()
            live.stop(process)


def accepted_under_gunicorn(folder, storage: str | None) -> tuple[int, int, int]:
    """(accepted, refused with 429, stored) for SENT comments from one address.

    ``storage`` None leaves RATELIMIT_STORAGE_URI at its default.
    """
    settings = dict(
        BLOG_COMMENT_RATE_LIMIT=f"{LIMIT} per minute",
        BLOG_RATELIMIT_KEY_PREFIX=f"blog-test-{uuid.uuid4().hex}",
        BLOG_COMMENT_HOLD_FIRST="false",
    )
    if storage is not None:
        settings["BLOG_RATELIMIT_STORAGE_URI"] = storage
    with blog_under_gunicorn(folder, **settings) as (port, app):
        with app.app_context():
            admin = db.session.scalar(sa.select(User))
            post = Post(title="Limited", slug="limited", body="Slowly.", author_id=admin.id,
                        status=PostStatus.PUBLISHED, published_at=utcnow())  # fmt: skip
            db.session.add(post)
            db.session.commit()
            post_id, path = post.id, f"/{post.published_at:%Y/%m}/limited/"
        reader = Reader(port, 1)
        statuses = []
        for number in range(SENT):
            assert reader.open_page(path, [], deadline=0)
            item = Submission(text=f"Comment number {number}")
            reader.submit(post_id, item)
            statuses.append(item.status)
        with app.app_context():
            stored = db.session.scalar(sa.select(sa.func.count(Comment.id)))
    assert set(statuses) <= {303, 429}, statuses
    return statuses.count(303), statuses.count(429), stored


def test_with_redis_the_limit_is_exact_across_workers(tmp_path):
    accepted, refused, stored = accepted_under_gunicorn(tmp_path, "redis://127.0.0.1:6379")
    assert (accepted, refused, stored) == (LIMIT, SENT - LIMIT, LIMIT)


def test_on_the_defaults_the_limit_is_exact_across_workers(tmp_path):
    accepted, refused, stored = accepted_under_gunicorn(tmp_path, None)
    assert (accepted, refused, stored) == (LIMIT, SENT - LIMIT, LIMIT)
    assert (tmp_path / "ratelimit" / "cache.db").exists()  # counted in the instance folder


def login_outcomes_at_once(port: int, count: int) -> Counter:
    """Send ``count`` wrong passwords for ``admin`` at the same moment; what each got."""
    start = threading.Barrier(count)
    outcomes = []

    def attempt(number: int) -> None:
        reader = Reader(port, number)
        _, _, html = reader.request("GET", "/login")
        form = {"csrf_token": form_tokens(html)["csrf_token"], "username": "admin",
                "password": "not the password"}  # fmt: skip
        start.wait()
        status, _, html = reader.request("POST", "/login", form)
        outcomes.append("wrong password" if auth.LOGIN_FAILED in html else status)

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def test_of_many_concurrent_logins_at_most_the_limit_check_a_password(tmp_path):
    with blog_under_gunicorn(tmp_path) as (port, app):
        outcomes = login_outcomes_at_once(port, CONCURRENT_LOGINS)
        with app.app_context():
            recorded = db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)))
            limit = app.config["LOGIN_MAX_FAILURES"]
    checked = outcomes["wrong password"]
    assert 1 <= checked <= limit, outcomes
    assert outcomes[429] == CONCURRENT_LOGINS - checked, outcomes
    assert recorded == checked  # the refused left nothing behind
