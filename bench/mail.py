"""Mail's cost: the comment POST with notifications on and off, and the worker's throughput.

The POST only writes outbox rows (the author's mail and, with "Notify me"
ticked, a confirmation), so its median must not move measurably. The worker
then sends them to an aiosmtpd server on loopback (a separate process that
accepts and discards), over one SMTP connection per batch.

    .venv/bin/python bench/mail.py                 # SQLite, 200 comments each way
    .venv/bin/python bench/mail.py --database-url postgresql://root@127.0.0.1/test
"""

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import free_port
from comment_post import post_one, seeded_app

from blog.extensions import db
from blog.mail import outbox
from tests.databases import scratch_database


def smtp_sink(port: int) -> subprocess.Popen:
    """aiosmtpd in its own process, so it does not share our interpreter's time."""
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
               "-c", "aiosmtpd.handlers.Sink"]  # fmt: skip
    process = subprocess.Popen(command)
    time.sleep(1)
    return process


# The blogs compared, each with its own database: (label, mail settings, form fields).
# Every bench comment comes from a new address, so every one is held.
VARIANTS = [
    ("mail off", None, {}),
    ("author mailed", {}, {}),  # the default: a mail per held comment
    ("+ Notify me", {}, {"notify": "y"}),  # the worst case: a confirmation too
]


def interleaved(blogs: list, count: int) -> list[list[float]]:
    """One POST to each blog in turn, so a busy machine slows them alike."""
    clients = [(app.test_client(), post_id, url, fields) for app, post_id, url, fields in blogs]
    timings = [[] for _ in blogs]
    for number in range(count):
        for times, (client, post_id, url, fields) in zip(timings, clients, strict=True):
            times.append(post_one(client, post_id, url, number, **fields))
    return timings


def summary(label: str, timings: list[float]) -> str:
    timings = sorted(timings)
    p90 = timings[int(len(timings) * 0.9) - 1]
    return f"  {label:<18} median {statistics.median(timings):.2f} ms   p90 {p90:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    args = parser.parse_args()
    port = free_port()
    sink = smtp_sink(port)
    mail = {
        "MAIL_SERVER": f"smtp://127.0.0.1:{port}",
        "MAIL_FROM": "blog@example.com",
        "MAIL_TO": "author@example.com",
        "MAIL_BURST": 1_000_000,  # no digest: every held comment mails the author
    }
    try:
        with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
            blogs, queued = [], []
            for number, (_, settings, fields) in enumerate(VARIANTS):
                url = stack.enter_context(
                    scratch_database(Path(folder), f"bench-{number}", args.database_url)
                )
                blogs.append((*seeded_app(url, **({**mail, **settings} if settings is not None
                                                   else {})), fields))  # fmt: skip
            timings = interleaved(blogs, args.count)
            for app, *_ in blogs[1:]:
                with app.app_context():
                    queued.append(sum(outbox.counts().values()))
            with blogs[-1][0].app_context():  # the worker sends the worst case's mail
                started = time.perf_counter()
                sent = outbox.send_due()
                elapsed = time.perf_counter() - started
            for app, *_ in blogs:
                with app.app_context():
                    db.engine.dispose()
    finally:
        sink.terminate()
        sink.wait()
    database = url.split(":", 1)[0]
    print(f"comment POST, 2 KB with links, {database}, {args.count} requests each, interleaved:")
    rows = [0, *queued]
    for (label, _, _), times, rows_queued in zip(VARIANTS, timings, rows, strict=True):
        print(summary(label, times) + f"   ({rows_queued} messages queued)")
    print(f"mail worker to aiosmtpd on loopback: {sent} messages in {elapsed:.2f} s, "
          f"{sent / elapsed:.0f} messages/s")  # fmt: skip


if __name__ == "__main__":
    main()
