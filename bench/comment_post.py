"""What one comment POST costs: median and p90 milliseconds for a 2 KB comment.

Runs the app in-process (Flask test client, no HTTP) against a fresh
database, so the figure is the app's own work: form validation, bleach
clean + linkify, the moderation rules, the insert and the redirect.

    .venv/bin/python bench/comment_post.py                 # SQLite, 200 comments
    .venv/bin/python bench/comment_post.py --database-url postgresql://root@127.0.0.1/test
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from blog.models import Post, PostStatus, User, utcnow
from tests.databases import scratch_database

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|issued)"[^>]*value="([^"]*)"')
PARAGRAPH = (
    "Thanks for writing this — I tried it on my own blog and it worked. "
    "See https://example.com/notes and www.example.org/more for what I changed; "
    "the <b>bold</b> part matters, and <script>this</script> must stay text. "
    "Привет, мир! 🙂 "
)


def two_kilobyte_comment(number: int) -> str:
    body = f"Comment {number}.\n\n"
    while len(body.encode()) < 2048:
        body += PARAGRAPH + ("\n\n" if len(body) % 3 == 0 else "\n")
    return body


def seeded_app(url: str, **config):
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "COMMENT_MIN_SECONDS": 0,
            "COMMENT_RATE_LIMIT": "",
            **config,
        }
    )
    with app.app_context():
        upgrade()
        author = User(username="bench", display_name="Bench")
        db.session.add(author)
        db.session.flush()
        post = Post(title="Bench", slug="bench", body="Body", status=PostStatus.PUBLISHED,
                    published_at=utcnow(), author_id=author.id)  # fmt: skip
        db.session.add(post)
        db.session.commit()
        return app, post.id, f"/{post.published_at:%Y/%m}/bench/"


def measure(app, post_id: int, page_url: str, count: int) -> list[float]:
    client = app.test_client()
    return [post_one(client, post_id, page_url, number) for number in range(count)]


def post_one(client, post_id: int, page_url: str, number: int, **fields: str) -> float:
    """Open the page, then time the comment POST alone, in milliseconds."""
    hidden = dict(HIDDEN.findall(client.get(page_url).get_data(as_text=True)))
    data = {**hidden, "comment": two_kilobyte_comment(number), "author": f"Reader {number}",
            "email": f"reader{number}@example.com", "url": "https://example.net/",
            **fields}  # fmt: skip
    started = time.perf_counter()
    response = client.post(f"/posts/{post_id}/comments", data=data)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 303, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(Path(folder), "bench", args.database_url) as url,
    ):
        app, post_id, page_url = seeded_app(url)
        timings = measure(app, post_id, page_url, args.count)
        with app.app_context():
            db.engine.dispose()
    timings.sort()
    database = url.split(":", 1)[0]
    print(f"comment POST, 2 KB with links, {database}, {len(timings)} requests:")
    p90 = timings[int(len(timings) * 0.9) - 1]
    median = statistics.median(timings)
    print(f"  median {median:.2f} ms   p90 {p90:.2f} ms   max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
