"""The comment rate limit under gunicorn with four workers, in both storages.

With the embedded default (``diskcache://``, a folder in the instance folder)
and with Redis (``BLOG_RATELIMIT_STORAGE_URI=redis://…``) every worker counts
in one place, so the limit is exact: ``memory://`` would let one address
through up to workers × limit times.
"""

import uuid

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.extensions import db
from blog.models import Comment, Post, PostStatus, User, utcnow
from tests import live_server as live
from tests.conftest import app_config
from tests.databases import scratch_database
from tests.test_load import HOST, Reader, Submission

pytestmark = pytest.mark.slow

WORKERS = 4
LIMIT = 3
SENT = 20


def accepted_under_gunicorn(folder, storage: str | None) -> tuple[int, int, int]:
    """(accepted, refused with 429, stored) for SENT comments from one address.

    ``storage`` None leaves RATELIMIT_STORAGE_URI at its default.
    """
    with scratch_database(folder, "limits") as url:
        port = live.free_port()
        env = live.server_env(folder, url, port)
        env.update(
            WEB_CONCURRENCY=str(WORKERS),
            BLOG_COMMENT_RATE_LIMIT=f"{LIMIT} per minute",
            BLOG_RATELIMIT_KEY_PREFIX=f"blog-test-{uuid.uuid4().hex}",
            BLOG_COMMENT_HOLD_FIRST="false",
        )
        if storage is not None:
            env["BLOG_RATELIMIT_STORAGE_URI"] = storage
        process = live.start_gunicorn(env, folder)
        app = create_app(app_config(url))
        try:
            live.wait_until_up(f"http://{HOST}:{port}/", process, folder / "gunicorn.log")
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
                db.engine.dispose()
        finally:
            live.stop(process)
    assert set(statuses) <= {303, 429}, statuses
    return statuses.count(303), statuses.count(429), stored


def test_with_redis_the_limit_is_exact_across_workers(tmp_path):
    accepted, refused, stored = accepted_under_gunicorn(tmp_path, "redis://127.0.0.1:6379")
    assert (accepted, refused, stored) == (LIMIT, SENT - LIMIT, LIMIT)


def test_on_the_defaults_the_limit_is_exact_across_workers(tmp_path):
    accepted, refused, stored = accepted_under_gunicorn(tmp_path, None)
    assert (accepted, refused, stored) == (LIMIT, SENT - LIMIT, LIMIT)
    assert (tmp_path / "ratelimit" / "cache.db").exists()  # counted in the instance folder
