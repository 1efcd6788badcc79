"""What one search costs: median and p95 milliseconds per kind of query.

Seeds a fresh database with N posts of realistic length (a Zipf-like
vocabulary, so some words are everywhere and some almost nowhere; a little
Unicode; a few drafts and scheduled posts), then times ``blog.search.find``
(count, ranking, one page of snippets: what the search page asks of the
database) for a set of queries, several times each.

    .venv/bin/python bench/search.py                 # SQLite, 10,000 posts
    .venv/bin/python bench/search.py --database-url postgresql://root@127.0.0.1/test
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask_migrate import upgrade

from blog import create_app, search
from blog.extensions import db
from blog.models import Post, PostStatus, User
from blog.text import reading_minutes
from tests.databases import scratch_database

COMMON = ("the of and to a in is that it for on with as was this you be at by not are "
          "from or have an but they which one had we all there can more when your")  # fmt: skip
TOPICS = ("python flask database search index query server browser template comment "
          "garden coffee travel music camera recipe bicycle weather library theory")  # fmt: skip
UNICODE = "café naïve Straße Ærøskøbing über façade résumé привет мир 東京 日本語 🙂 ☕"
RARE_WORD = "quetzalcoatl"  # in about one post in a thousand
QUERIES = {
    "common word": "the",
    "rare word": RARE_WORD,
    "two words": "python database",
    "unicode": "café",
    "no hit": "xylophonic zeppelins",
}
BATCH = 1000


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and Zipf weights: the common words first, then topics, then made-up words."""
    syllables = ["ka", "lo", "mi", "ren", "to", "sha", "vel", "dor", "qui", "ban", "ex", "ul"]
    made_up = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)}
    words = [*COMMON.split(), *TOPICS.split(), *UNICODE.split(), *sorted(made_up)]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, weights


def post_rows(count: int, author_id: int, rng: random.Random) -> list[dict]:
    words, weights = vocabulary(rng)
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    now = datetime.now(UTC)
    rows = []
    for number in range(count):
        # Post lengths: mostly a few hundred words, now and then a long one.
        length = min(4000, max(40, int(rng.lognormvariate(6.0, 0.6))))
        body_words = rng.choices(words, cum_weights=cumulative, k=length)
        if rng.random() < 0.001 or number == count // 2:
            body_words[rng.randrange(length)] = RARE_WORD
        title = " ".join(rng.choices(words[40:], k=rng.randint(2, 8))).capitalize()
        paragraphs = [" ".join(body_words[i : i + 80]) for i in range(0, length, 80)]
        body_text = " ".join(paragraphs)
        status, published_at = PostStatus.PUBLISHED, now - timedelta(hours=count - number)
        if number % 50 == 7:
            status, published_at = PostStatus.DRAFT, None
        elif number % 50 == 23:
            published_at = now + timedelta(days=1)  # scheduled
        rows.append(
            {
                "title": title[:200],
                "slug": f"post-{number}",
                "body": "\n\n".join(paragraphs),
                "body_html": "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs),
                "body_text": body_text,
                "reading_minutes": reading_minutes(body_text),
                "excerpt": "",
                "excerpt_html": f"<p>{escape(paragraphs[0])}</p>\n",
                "has_more": len(paragraphs) > 1,
                "status": status,
                "published_at": published_at,
                "created_at": now,
                "updated_at": now,
                "allow_comments": True,
                "author_id": author_id,
            }
        )
    return rows


def seed(app, count: int) -> float:
    """Insert ``count`` posts with Core (no Markdown rendering); returns seconds taken."""
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        author = User(username="bench", display_name="Bench")
        db.session.add(author)
        db.session.commit()
        rows = post_rows(count, author.id, random.Random(1234))
        for start in range(0, len(rows), BATCH):
            db.session.execute(sa.insert(Post), rows[start : start + BATCH])
        db.session.commit()
        # What a long-lived database has: planner statistics.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started


def measure(app, repeat: int, per_page: int) -> dict[str, tuple[int, list[float]]]:
    results = {}
    with app.app_context():
        for kind, query in QUERIES.items():
            total = search.find(query, 1, per_page).total  # warm up, and report the hit count
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                search.find(query, 1, per_page)
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()  # end the transaction, as each request does
            results[kind] = (total, timings)
    return results


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query")
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(Path(folder), "bench", args.database_url) as url,
    ):
        app = create_app({"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        seconds = seed(app, args.posts)
        results = measure(app, args.repeat, args.per_page)
        with app.app_context():
            db.engine.dispose()
    database = url.split(":", 1)[0]
    print(f"search, {database}, {args.posts} posts (seeded in {seconds:.1f} s), "
          f"{args.repeat} runs per query, {args.per_page} per page:")  # fmt: skip
    for kind, (total, timings) in results.items():
        median = statistics.median(timings)
        print(f"  {kind:<12} {QUERIES[kind]!r:<24} {total:>6} hits   "
              f"median {median:7.2f} ms   p95 {p95(timings):7.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
