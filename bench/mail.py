"""Mail's cost: the comment POST with notifications on and off, and the worker's throughput.

The POST only writes outbox rows (the author's mail and, with "Notify me"
ticked, a confirmation), so its median must not move measurably. The worker
then sends them to an aiosmtpd server on loopback (a separate process that
accepts and discards), over one SMTP connection per batch.

    .venv/bin/python bench/mail.py                 # SQLite, 200 comments each way
    .venv/bin/python bench/mail.py --database-url postgresql://root@127.0.0.1/test
"""

import argparse
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


def interleaved(off_app, on_app, count: int) -> tuple[list[float], list[float]]:
    """One POST to each blog in turn, so a busy machine slows both alike."""
    clients = [(off_app[0].test_client(), *off_app[1:]), (on_app[0].test_client(), *on_app[1:])]
    off, on = [], []
    for number in range(count):
        off.append(post_one(*clients[0], number))
        on.append(post_one(*clients[1], number, notify="y"))
    return off, on


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
        "MAIL_AUTHOR_NOTIFY": "all",
        "MAIL_BURST": 1_000_000,  # the worst case: every comment mails the author
    }
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            scratch_database(Path(folder), "bench-off", args.database_url) as off_url,
            scratch_database(Path(folder), "bench-on", args.database_url) as url,
        ):
            off_app, on_app = seeded_app(off_url), seeded_app(url, **mail)
            off, on = interleaved(off_app, on_app, args.count)
            with on_app[0].app_context():
                queued = sum(outbox.counts().values())
                started = time.perf_counter()
                sent = outbox.send_due()
                elapsed = time.perf_counter() - started
            for app, *_ in (off_app, on_app):
                with app.app_context():
                    db.engine.dispose()
    finally:
        sink.terminate()
        sink.wait()
    database = url.split(":", 1)[0]
    print(f"comment POST, 2 KB with links, {database}, {args.count} requests each, interleaved:")
    print(summary("notifications off", off))
    print(summary("notifications on", on) + f"   ({queued} messages queued)")
    print(f"mail worker to aiosmtpd on loopback: {sent} messages in {elapsed:.2f} s, "
          f"{sent / elapsed:.0f} messages/s")  # fmt: skip


if __name__ == "__main__":
    main()
