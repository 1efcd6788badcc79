"""Concurrent writers under gunicorn: many readers commenting at once, a worker
killed with SIGKILL and a graceful reload (HUP) in the middle of the load.

One gunicorn with 4 sync workers and its own database (SQLite in WAL mode, or
PostgreSQL when ``TEST_DATABASE_URL`` is set) serves the whole module. Each
load is 1,000 comment submissions from 50 threads; every thread is one reader
with its own session cookie, who opens the post page for the CSRF token and the
signed one-time ``issued`` stamp, then posts its share of comments one by one,
each with its own text. Like a browser it follows each redirect to the page
showing its comment, whose form carries a fresh stamp for the next one (a
stamp sent twice stores one comment). Afterwards the database is read back and
compared exactly.
"""

import http.client
import os
import re
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench._common import keep_cookies
from blog import create_app
from blog.extensions import db
from blog.models import Comment, Post, PostStatus, User, utcnow
from tests import live_server as live
from tests.conftest import app_config, form_tokens
from tests.databases import scratch_database

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"  # all traffic stays on this machine
WORKERS = 4
CLIENTS = 50
SUBMISSIONS = 1_000
# Seconds for every request a client sends. Generous because a HUP makes the old
# workers stop as soon as the new ones are forked, not once they are ready: the
# requests that arrive meanwhile wait in the listen queue while the app loads.
REQUEST_TIMEOUT = 20
# Seconds after which a load starts no new submission, so that it ends by itself.
# The plain load must send all its submissions in that time. A load with a fault
# is judged on what it sent: the invariants hold for every submission sent, and
# enough of them must come after the fault (a slow machine sends fewer).
LOAD_DEADLINE = 60
FAULT_LOAD_DEADLINE = 40
AFTER_FAULT = CLIENTS  # successes, at least, after the fault (after the reload: its end)
MODULE_BUDGET = 135  # seconds for all the loads of the module together
PAGE_ATTEMPTS = 3  # a reader may retry opening a page (a GET); never a submission
COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")
# Non-ASCII in several scripts, and characters HTML and forms treat specially.
UNICODE = "naïve café — Grüße, Ελληνικά, Кириллица, 日本語, emoji 🙂🚀, <b>&amp;</b> \"q\" 'a' +%20"


@dataclass
class LoadServer:
    url: str
    port: int
    database_url: str
    process: subprocess.Popen
    log: Path
    post_id: int
    post_path: str
    app: object
    ends_by: float  # time.monotonic() after which no load starts a submission


@dataclass
class Submission:
    text: str
    status: int | None = None  # None: no response at all
    error: str = ""  # the exception when there was no response
    comment_id: int | None = None  # from the redirect's #comment-<id>
    seconds: float = 0.0
    finished: float = 0.0  # time.monotonic() when the answer (or the error) came
    locked: bool = False  # the response said "database is locked"


@dataclass
class LoadResult:
    submissions: list[Submission]
    planned: int
    seconds: float
    page_failures: list[str] = field(default_factory=list)  # page GETs that failed
    readers_stopped: int = 0  # readers who gave up: no page after PAGE_ATTEMPTS
    fault_at: int | None = None  # submissions finished when the fault was injected
    fault_time: float = 0.0  # time.monotonic() then

    @property
    def sent(self) -> list[Submission]:
        return [item for item in self.submissions if item.status is not None or item.error]

    @property
    def successes(self) -> list[Submission]:
        return [item for item in self.submissions if item.status == 303]

    @property
    def errors(self) -> list[Submission]:
        return [item for item in self.submissions if item.error]

    @property
    def server_errors(self) -> list[Submission]:
        return [item for item in self.submissions if item.status and item.status >= 500]

    def summary(self, label: str, database: str, stored: list, log_text: str) -> str:
        """One line of figures for the test's output (shown with ``-rA`` or ``-s``)."""
        if not self.sent:
            return f"\n[{label}] {database}: nothing was sent in {self.seconds:.1f} s"
        timings = sorted(item.seconds for item in self.sent)
        bodies = {body for _, body in stored}
        lost = sum(item.text not in bodies for item in self.successes)
        unacknowledged = len(bodies - {item.text for item in self.successes})
        slowest = max(self.sent, key=lambda item: item.seconds)
        statuses = Counter(item.status for item in self.sent if item.status)
        return (
            f"\n[{label}] {database}: "
            f"planned {self.planned}, sent {len(self.sent)}, stored {len(stored)} "
            f"(distinct {len(bodies)}), acknowledged but lost {lost}, "
            f"stored unacknowledged {unacknowledged}, "
            f"successes {len(self.successes)}, statuses {dict(statuses)}, "
            f"5xx {len(self.server_errors)}, connection errors {len(self.errors)} "
            f"{Counter(item.error.split(':')[0] for item in self.errors)}, "
            f"'database is locked' in responses {sum(item.locked for item in self.sent)} "
            f"and in the log {log_text.count('database is locked')}, "
            f"page GETs failed {len(self.page_failures)}, "
            f"readers stopped {self.readers_stopped}, fault after {self.fault_at} done; "
            f"{self.seconds:.1f} s ({len(self.sent) / self.seconds:.0f}/s), "
            f"median {statistics.median(timings) * 1000:.0f} ms, "
            f"p99 {timings[int(len(timings) * 0.99) - 1] * 1000:.0f} ms, "
            f"slowest {slowest.seconds * 1000:.0f} ms (status {slowest.status}"
            f"{', ' + slowest.error if slowest.error else ''})"
        )


class Reader:
    """One browser with its own cookies: a page with the form, a comment, and again."""

    def __init__(self, port: int, number: int):
        self.port = port
        self.number = number
        self.cookies: dict[str, str] = {}
        self.hidden: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            keep_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
            return response.status, response.headers, data
        finally:
            connection.close()

    def open_page(self, path: str, failures: list[str], deadline: float) -> bool:
        """Take a fresh form from the page at ``path``; False if it cannot be had."""
        for attempt in range(PAGE_ATTEMPTS):
            if attempt and time.monotonic() > deadline:
                break
            try:
                status, _, html = self.request("GET", path)
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"reader {self.number}, attempt {attempt}: {error!r}")
                time.sleep(0.2)
                continue
            hidden = form_tokens(html)
            if status == 200 and set(hidden) == {"csrf_token", "issued"}:
                self.hidden = hidden
                return True
            failures.append(f"reader {self.number}, attempt {attempt}: {path} gave {status}")
        return False

    def submit(self, post_id: int, item: Submission) -> str | None:
        """Send one comment; the path of the page the redirect points to, if any."""
        form = {
            **self.hidden,
            "comment": item.text,
            "author": f"Reader {self.number} ✍",
            "email": f"reader{self.number}@example.com",
            "url": "",
        }
        started = time.monotonic()
        try:
            status, headers, body = self.request("POST", f"/posts/{post_id}/comments", form)
        except (OSError, http.client.HTTPException) as error:
            item.error = f"{type(error).__name__}: {error}"
        else:
            item.status = status
            item.locked = "database is locked" in body.lower()
            location = headers.get("Location", "")
            match = COMMENT_ANCHOR.search(location)
            item.comment_id = int(match.group(1)) if match else None
        item.finished = time.monotonic()
        item.seconds = item.finished - started
        if item.status == 303:
            target = urllib.parse.urlsplit(location)
            return target.path + (f"?{target.query}" if target.query else "")
        return None


def run_load(
    server: LoadServer, label: str, seconds: float, fault=None, fault_after: int = 0
) -> LoadResult:
    """SUBMISSIONS comments from CLIENTS threads, none started after ``seconds``;
    ``fault()`` runs once ``fault_after`` of them are done."""
    tag = f"{label}-{uuid.uuid4().hex[:8]}"
    submissions = [
        Submission(f"{tag} #{number:04d} by reader {number % CLIENTS}: {UNICODE}")
        for number in range(SUBMISSIONS)
    ]
    done = threading.Semaphore(0)
    page_failures: list[str] = []
    stopped: list[int] = []
    started = time.monotonic()
    deadline = min(started + seconds, server.ends_by)

    def reader_thread(number: int) -> None:
        reader = Reader(server.port, number)
        page = server.post_path
        for item in submissions[number::CLIENTS]:
            if time.monotonic() > deadline:
                return
            if not reader.open_page(page, page_failures, deadline):
                stopped.append(number)
                return
            if time.monotonic() > deadline:
                return
            # Next time, as a browser does: the page the redirect names, else the post.
            page = reader.submit(server.post_id, item) or server.post_path
            done.release()

    threads = [
        threading.Thread(target=reader_thread, args=(number,), daemon=True)
        for number in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    fault_at, fault_time = None, 0.0
    if fault is not None:
        for _ in range(fault_after):
            if not done.acquire(timeout=max(0.0, deadline - time.monotonic())):
                break
        fault_at = sum(1 for item in submissions if item.status or item.error)
        fault_time = time.monotonic()
        fault()
    # After the deadline a reader finishes at most the one request it is waiting for.
    join_by = deadline + REQUEST_TIMEOUT + 5
    for thread in threads:
        thread.join(timeout=max(0.0, join_by - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a reader did not finish in time"
    return LoadResult(
        submissions=submissions,
        planned=SUBMISSIONS,
        seconds=time.monotonic() - started,
        page_failures=page_failures,
        readers_stopped=len(stopped),
        fault_at=fault_at,
        fault_time=fault_time,
    )


def stored_comments(server: LoadServer, result: LoadResult) -> list[tuple[int, str]]:
    """The (id, body) of every comment on the post that belongs to this load."""
    tag = result.submissions[0].text.split(" ", 1)[0] + " "
    with server.app.app_context():
        rows = db.session.execute(
            sa.select(Comment.id, Comment.body)
            .where(Comment.post_id == server.post_id)
            .order_by(Comment.id)
        ).all()
        db.engine.dispose()
    return [(comment_id, body) for comment_id, body in rows if body.startswith(tag)]


def worker_pids(master: int) -> set[int]:
    """The gunicorn master's children: its workers."""
    pids: set[int] = set()
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        try:
            pids.update(int(pid) for pid in children.read_text().split())
        except FileNotFoundError:
            continue
    return pids


def db_name(server: LoadServer) -> str:
    return server.database_url.split(":", 1)[0].split("+", 1)[0]


def wait_for(condition, timeout: float = 20, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


def log_since(server: LoadServer, offset: int) -> str:
    return server.log.read_bytes()[offset:].decode("utf-8", "replace")


def assert_no_duplicates(stored: list[tuple[int, str]]) -> None:
    repeated = [body for body, count in Counter(body for _, body in stored).items() if count > 1]
    assert not repeated, f"stored more than once: {repeated[:3]}"


def assert_successes_stored(result: LoadResult, stored: list[tuple[int, str]]) -> None:
    """Every success response names the comment it stored, with exactly its text."""
    by_id = dict(stored)
    for item in result.successes:
        assert item.comment_id is not None, f"no #comment- anchor for {item.text!r}"
        assert by_id.get(item.comment_id) == item.text, f"success not stored: {item.text!r}"


@pytest.fixture(scope="module")
def load_server(tmp_path_factory):
    """gunicorn, 4 workers, no access log, own database, one published post."""
    ends_by = time.monotonic() + MODULE_BUDGET
    folder = tmp_path_factory.mktemp("load")
    with scratch_database(folder, "load") as url:
        port = live.free_port()
        env = live.server_env(folder, url, port)
        env.update(
            WEB_CONCURRENCY=str(WORKERS),
            BLOG_ACCESS_LOG="",
            BLOG_COMMENT_MIN_SECONDS="0",
            BLOG_COMMENT_RATE_LIMIT="",
            BLOG_COMMENT_HOLD_FIRST="false",
        )
        # The database is empty: the master creates the schema (and the first
        # author) before it forks, as in production.
        process = live.start_gunicorn(env, folder)
        app = create_app(app_config(url))
        try:
            live.wait_until_up(f"http://{HOST}:{port}/", process, folder / "gunicorn.log")
            with app.app_context():
                admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
                post = Post(
                    title="Busy discussion", slug="busy-discussion", body="Everyone at once.",
                    status=PostStatus.PUBLISHED, published_at=utcnow(), author_id=admin.id,
                )  # fmt: skip
                db.session.add(post)
                db.session.commit()
                post_id, published = post.id, post.published_at
                db.engine.dispose()
            yield LoadServer(
                url=f"http://{HOST}:{port}",
                port=port,
                database_url=url,
                process=process,
                log=folder / "gunicorn.log",
                post_id=post_id,
                post_path=f"/{published:%Y/%m}/busy-discussion/",
                app=app,
                ends_by=ends_by,
            )
        finally:
            live.stop(process)
            with app.app_context():
                db.engine.dispose()


def test_concurrent_comments_are_all_stored_exactly(load_server):
    offset = load_server.log.stat().st_size
    result = run_load(load_server, "load", LOAD_DEADLINE)
    stored = stored_comments(load_server, result)
    log = log_since(load_server, offset)
    print(result.summary("1,000 comments, 50 clients", db_name(load_server), stored, log))

    assert not result.page_failures
    assert len(result.sent) == SUBMISSIONS, "the load did not finish within its deadline"
    assert not result.server_errors
    assert not result.errors
    assert not any(item.locked for item in result.submissions)
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert Counter(item.status for item in result.submissions) == {303: SUBMISSIONS}
    assert sorted(body for _, body in stored) == sorted(item.text for item in result.submissions)
    assert_successes_stored(result, stored)


def test_a_worker_killed_mid_load_loses_no_acknowledged_comment(load_server):
    master = load_server.process.pid
    before = wait_for(lambda: len(worker_pids(master)) == WORKERS and worker_pids(master))
    assert len(before) == WORKERS
    killed: list[int] = []

    def kill_a_worker() -> None:
        victim = min(worker_pids(master))
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    offset = load_server.log.stat().st_size
    result = run_load(
        load_server, "kill", FAULT_LOAD_DEADLINE, fault=kill_a_worker, fault_after=SUBMISSIONS // 3
    )
    stored = stored_comments(load_server, result)
    log = log_since(load_server, offset)
    print(result.summary("SIGKILL one worker", db_name(load_server), stored, log))
    print(f"killed worker {killed}; connection errors: {[item.error for item in result.errors]}")

    assert killed, "the fault was not injected"
    assert not result.readers_stopped
    assert not result.server_errors
    assert not any(item.locked for item in result.submissions)
    assert "database is locked" not in log
    assert "Traceback" not in log
    # Every request either got its redirect or lost its connection to the dead worker.
    assert {item.status for item in result.sent if not item.error} == {303}
    # A sync worker handles one request at a time: the kill cut off at most that one.
    assert len(result.errors) <= len(killed)
    successes = len(result.successes)
    assert successes <= len(stored) <= successes + len(result.errors)
    assert_no_duplicates(stored)
    assert_successes_stored(result, stored)
    assert {body for _, body in stored} <= {item.text for item in result.sent}
    # The service kept answering, and the master replaced the dead worker.
    after_kill = [item for item in result.successes if item.finished > result.fault_time]
    assert len(after_kill) >= AFTER_FAULT
    after = wait_for(lambda: len(worker_pids(master)) == WORKERS and worker_pids(master))
    assert len(after) == WORKERS and killed[0] not in after
    reader = Reader(load_server.port, 0)
    assert reader.open_page(load_server.post_path, [], time.monotonic() + REQUEST_TIMEOUT)


def test_a_graceful_reload_mid_load_drops_no_request(load_server):
    master = load_server.process.pid
    before = wait_for(lambda: len(worker_pids(master)) == WORKERS and worker_pids(master))
    assert len(before) == WORKERS
    replaced: list[float] = []  # when the last of the old workers had gone
    watch_until = time.monotonic() + FAULT_LOAD_DEADLINE + REQUEST_TIMEOUT

    def watch() -> None:
        while time.monotonic() < watch_until:
            if not worker_pids(master) & before:
                replaced.append(time.monotonic())
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)

    def reload() -> None:
        os.kill(master, signal.SIGHUP)
        watcher.start()

    offset = load_server.log.stat().st_size
    result = run_load(
        load_server, "reload", FAULT_LOAD_DEADLINE, fault=reload, fault_after=SUBMISSIONS // 3
    )
    watcher.join(timeout=max(0.0, watch_until - time.monotonic()))
    stored = stored_comments(load_server, result)
    log = log_since(load_server, offset)
    print(result.summary("HUP the master", db_name(load_server), stored, log))
    if replaced:
        print(f"the old workers were all gone {replaced[0] - result.fault_time:.1f} s after HUP")

    # No request failed: every page and every comment sent got its answer.
    assert not result.page_failures, result.page_failures[:5]
    assert not result.errors, [item.error for item in result.errors][:5]
    assert not result.server_errors
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert Counter(item.status for item in result.sent) == {303: len(result.sent)}
    assert sorted(body for _, body in stored) == sorted(item.text for item in result.sent)
    assert_successes_stored(result, stored)
    # The reload happened mid-load: the old workers were all replaced by new ones,
    # which then answered a good part of the load.
    assert "Handling signal: hup" in log
    assert replaced, "the old workers did not stop"
    after = wait_for(lambda: len(pids := worker_pids(master)) == WORKERS and pids)
    assert len(after) == WORKERS and not after & before
    served_by_new = [item for item in result.successes if item.finished > replaced[0]]
    assert len(served_by_new) >= AFTER_FAULT


def test_the_master_prepared_the_database_once_before_forking(load_server):
    """Alembic ran in the master alone: each revision once, before any worker booted,
    and never again when workers were respawned or reloaded (the tests above)."""
    log = load_server.log.read_text()
    upgrades = re.findall(r"Running upgrade (\S*) *-> (\w+)", log)
    revisions = [
        path.name.split("_", 1)[0]
        for path in (live.ROOT / "blog" / "migrations" / "versions").glob("*.py")
    ]
    assert sorted(revision for _, revision in upgrades) == sorted(revisions)
    assert log.count("Context impl") == 1
    assert log.count("Created the author 'admin'") == 1
    first_worker = log.index("Booting worker")
    assert log.rindex("Running upgrade") < first_worker
    assert log.count("Booting worker") >= WORKERS
