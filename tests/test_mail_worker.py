"""The mail worker as a process of its own: killed mid-send, and two at once."""

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.extensions import db
from blog.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import app_config, empty_database, permalink
from tests.live_server import ROOT
from tests.test_mail import MAIL_SETTINGS, comment

pytestmark = pytest.mark.slow


@pytest.fixture
def app(database_url, smtp):
    # No burst limit here: these tests count messages, not the author's patience.
    app = create_app(app_config(database_url, MAIL_SERVER=smtp.url, MAIL_BURST=1000,
                                **MAIL_SETTINGS))  # fmt: skip
    yield app
    empty_database(app)


def worker(app, tmp_path, *args: str, **settings: str) -> subprocess.Popen:
    """``flask --app blog mail-worker`` on the test database, as production runs it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        BLOG_SECRET_KEY=app.config["SECRET_KEY"],
        BLOG_INSTANCE_PATH=str(tmp_path),
        BLOG_MAIL_SERVER=app.config["MAIL_SERVER"],
        BLOG_MAIL_FROM=app.config["MAIL_FROM"],
        BLOG_MAIL_POLL_SECONDS="0.1",
        **settings,
    )
    command = [sys.executable, "-m", "flask", "--app", "blog", "mail-worker", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id)))


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_send_sends_the_mail_once_after_restart(
    app, client, make_post, smtp, tmp_path
):
    post_id = make_post("Talk to me")
    comment(client, (post_id, permalink(client, "Talk to me")))
    smtp.inbox.stall.set()  # the server holds the worker inside the SMTP exchange
    first = worker(app, tmp_path, BLOG_MAIL_SEND_LEASE_SECONDS="1")
    try:
        assert smtp.inbox.stalled.wait(20)
        assert statuses(app) == [OutboxStatus.SENDING]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    smtp.inbox.stall.clear()
    assert smtp.inbox.messages == []
    second = worker(app, tmp_path, BLOG_MAIL_SEND_LEASE_SECONDS="1")
    try:
        wait_until(lambda: statuses(app) == [OutboxStatus.SENT])
        time.sleep(1.5)  # a lease's length more: nothing is sent again
    finally:
        second.terminate()
        assert second.wait(timeout=20) == 0  # SIGTERM: a clean stop
    assert len(smtp.inbox.messages) == 1


def test_two_workers_send_each_mail_once(app, client, make_post, smtp, tmp_path):
    post_id = make_post("Talk to me")
    url = permalink(client, "Talk to me")
    for number in range(30):
        comment(client, (post_id, url), comment=f"Comment {number}", email=f"r{number}@example.com")
    assert len(statuses(app)) == 30
    # Small batches, so the two really take turns at the outbox.
    workers = [worker(app, tmp_path, BLOG_MAIL_BATCH="2") for _ in range(2)]
    try:
        wait_until(lambda: statuses(app) == [OutboxStatus.SENT] * 30, timeout=60)
    finally:
        for process in workers:
            process.terminate()
            process.wait(timeout=20)
    assert len(smtp.inbox.messages) == 30
    assert len({message["Message-ID"] for message in smtp.inbox.messages}) == 30


def test_the_worker_says_so_and_stops_without_a_mail_server(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
    env.update(BLOG_INSTANCE_PATH=str(tmp_path), BLOG_SECRET_KEY="x" * 32)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "blog", "mail-worker"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "No mail server is configured" in result.stdout
