"""What the settings' per-request check costs: the version query, a reload, a whole page.

    PYTHONPATH=. python bench/settings_check.py [--database-url postgresql://…] [--rounds N]

In-process, on a scratch database: the check when nothing changed (every
request not answered from the page cache pays it), the reload after a save,
and an uncached home page with and without the check.
"""

import argparse
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from blog.site import settings

BENCH_CONFIG = {"SECRET_KEY": "bench", "PAGE_CACHE": False, "CACHE_TYPE": "SimpleCache",
                "RATELIMIT_STORAGE_URI": "memory://"}  # fmt: skip


def per_call(function, rounds: int) -> float:
    """Microseconds per call, the best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            function()
        best = min(best, (time.perf_counter() - start) / rounds)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({**BENCH_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    client = app.test_client()
    with app.test_request_context("/"):
        settings.save({"SITE_TITLE": "Bench"})
        unchanged = per_call(settings.refresh, args.rounds)

        def save_and_reload():
            settings.save({"SITE_TAGLINE": str(time.perf_counter())})

        saved = per_call(save_and_reload, max(args.rounds // 20, 10))
    with_check = per_call(lambda: client.get("/"), args.rounds // 10)
    hooks = app.before_request_funcs[None]
    hooks.remove(settings.take_up_changes)
    without_check = per_call(lambda: client.get("/"), args.rounds // 10)
    hooks.append(settings.take_up_changes)
    print(f"database: {url.split(':')[0]}")
    print(f"check, nothing changed: {unchanged:8.1f} µs per request")
    print(f"save + reload:          {saved:8.1f} µs per save")
    print(f"uncached home page:     {with_check:8.1f} µs with the check, "
          f"{without_check:.1f} µs without ({with_check - without_check:+.1f} µs)")  # fmt: skip
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
