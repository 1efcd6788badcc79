"""Build a realistic blog of a given size, quickly, for the benchmarks.

    .venv/bin/python bench/seed.py --posts 10000 --comments 200000 \
        --database-url sqlite:////tmp/big.sqlite3      # or postgresql://root@127.0.0.1/bench

Posts have Markdown bodies of 80 to 1,500 words (with Cyrillic, accents and
emoji), two to four of forty tags, dates spread over ten years; comments are
threaded up to five deep, 90 % approved, the rest held or spam. Four posts
get exactly 0, 10, 100 and 500 approved comments, for the load benchmark.

Speed comes from rendering a pool of bodies once, through the same
``Post.render``/``Comment.render`` the app uses, and inserting rows in
batches with the models' bulk INSERT (executemany) instead of one flush per
object. The schema is made by the migrations, so the search index is filled
by its own triggers (SQLite) or generated column (PostgreSQL).
"""

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from blog.models import Comment, Post, PostStatus, Tag, User, post_tags

SPECIAL_COMMENT_COUNTS = (0, 10, 100, 500)
BATCH = 5000
AUTHOR = "bench"
# Logs the load test in to the dashboard; the bench blog is thrown away afterwards.
AUTHOR_PASSWORD = "bench-password-for-the-load-test"
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=365 * 10)

WORDS = [
    "blog", "flask", "python", "garden", "winter", "coffee", "river", "mountain", "bread",
    "music", "light", "window", "morning", "letter", "journey", "🙂", "café", "naïve",
    "façade", "привет", "мир", "книга", "музыка", "東京", "☕", "together", "however",
    "because", "notes", "kitchen", "reading", "writing", "small", "fast", "safe",
]  # fmt: skip
NAMES = ("Ann", "Борис", "Chloé", "Dmitri", "Eve 🙂", "Fumiko")
POST_FIELDS = ("body", "body_html", "body_text", "reading_minutes", "excerpt_html", "has_more")
TAG_NAMES = [
    "Python", "Flask", "Travel", "Cooking", "Books", "Music", "Garden", "Winter",
    "Coffee", "Photography", "Essays", "Notes", "Café", "Naïveté", "Путешествия",
    "Книги", "東京", "Music ♫", "Cycling", "Walking", "Family", "Work", "Tools",
    "Design", "Writing", "History", "Science", "Weather", "Rivers", "Mountains",
    "Bread", "Letters", "Journeys", "Reading", "Databases", "Security", "Speed",
    "Gardening tips", "Recipes", "Misc",
]  # fmt: skip


@dataclass
class SeededBlog:
    url: str
    posts: int
    comments: int
    special_paths: dict[int, str]  # comments on the post -> its permalink path
    tag_path: str
    search_query: str
    seconds: float


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def markdown_body(rng: random.Random) -> str:
    paragraphs = []
    for number in range(rng.randint(2, 18)):
        text = " ".join(sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(2, 6)))
        if number == 1:
            paragraphs.append("<!--more-->")
        if number % 5 == 3:
            text = f"Some **bold**, a [link](https://example.com/{number}) and `code`. {text}"
        paragraphs.append(text)
    if rng.random() < 0.3:
        paragraphs.append("- one\n- two\n- three")
    return "\n\n".join(paragraphs)


def comment_body(rng: random.Random) -> str:
    text = "\n\n".join(sentence(rng, rng.randint(5, 30)) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.2:
        text += " See https://example.org/more for details."
    return text


def rendered_posts(rng: random.Random, count: int) -> list[dict]:
    """A pool of distinct bodies, rendered by the app's own code once each."""
    pool = []
    for _ in range(count):
        post = Post(body=markdown_body(rng), excerpt="")
        post.render()
        pool.append({name: getattr(post, name) for name in POST_FIELDS})
    return pool


def rendered_comments(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pool = []
    for _ in range(count):
        comment = Comment(body=comment_body(rng))
        comment.render()
        pool.append((comment.body, comment.body_html))
    return pool


def next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def insert(table_or_model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table_or_model), rows[start : start + BATCH])


def seed_tags() -> list[int]:
    rows = [{"name": name, "slug": f"bench-{index}"} for index, name in enumerate(TAG_NAMES)]
    insert(Tag, rows)
    return list(db.session.scalars(sa.select(Tag.id).order_by(Tag.id)))


def seed_posts(rng: random.Random, count: int, author_id: int, tag_ids: list[int]) -> list[tuple]:
    """Insert ``count`` published posts; returns (id, published_at, slug) oldest first.

    The newest four are the ones with exactly 0, 10, 100 and 500 comments.
    """
    pool = rendered_posts(rng, min(count, 300))
    first = next_id(Post)
    step = SPAN / max(count, 1)
    special = dict(
        zip(range(count - len(SPECIAL_COMMENT_COUNTS), count), SPECIAL_COMMENT_COUNTS, strict=True)
    )
    rows, links, posts = [], [], []
    for index in range(count):
        post_id = first + index
        published = START + step * index
        if index in special:
            slug = f"bench-{special[index]}-comments"
        else:
            slug = f"{rng.choice(WORDS[:16])}-notes-{post_id}"
        title = f"{sentence(rng, rng.randint(3, 9))[:-1]} №{post_id}"
        rows.append({"id": post_id, "title": title, "slug": slug, "excerpt": "",
                     "status": PostStatus.PUBLISHED, "published_at": published,
                     "created_at": published, "updated_at": published, "allow_comments": True,
                     "author_id": author_id, **rng.choice(pool)})  # fmt: skip
        for tag in rng.sample(tag_ids, rng.randint(2, 4)):
            links.append({"post_id": post_id, "tag_id": tag})
        posts.append((post_id, published, slug))
    insert(Post, rows)
    insert(post_tags, links)
    return posts


def thread_rows(rng, post, count, first_id, pool) -> list[dict]:
    """``count`` comments on one post, a third of them replies, up to five deep."""
    post_id, published, _ = post
    rows = []
    for index in range(count):
        comment_id = first_id + index
        parent = rng.choice(rows) if rows and rng.random() < 0.35 else None
        if parent and parent["depth"] >= 5:
            parent = None
        body, body_html = rng.choice(pool)
        rows.append({"id": comment_id, "post_id": post_id,
                     "parent_id": parent and parent["id"],
                     "root_id": parent and (parent["root_id"] or parent["id"]),
                     "author_name": rng.choice(NAMES),
                     "author_email": f"reader{comment_id % 5000}@example.com",
                     "author_url": "https://example.net/" if comment_id % 4 == 0 else "",
                     "author_ip": f"192.0.2.{comment_id % 250}",
                     "body": body, "body_html": body_html,
                     "status": "approved", "created_at": published + timedelta(minutes=index + 1),
                     "depth": parent["depth"] + 1 if parent else 1})  # fmt: skip
    return rows


def seed_comments(rng: random.Random, posts: list[tuple], count: int) -> int:
    pool = rendered_comments(rng, 300)
    first = next_id(Comment)
    ordinary = posts[: -len(SPECIAL_COMMENT_COUNTS)]
    special = posts[-len(SPECIAL_COMMENT_COUNTS) :]
    remaining = max(count - sum(SPECIAL_COMMENT_COUNTS), 0)
    # A few posts draw many comments, most draw few.
    weights = [rng.paretovariate(1.5) for _ in ordinary]
    shares = Counter(rng.choices(range(len(ordinary)), weights, k=remaining)) if ordinary else {}
    plan = [(ordinary[index], share) for index, share in sorted(shares.items())]
    plan += zip(special, SPECIAL_COMMENT_COUNTS, strict=True)
    total = 0
    batch: list[dict] = []
    for post, share in plan:
        rows = thread_rows(rng, post, share, first + total, pool)
        if post not in special:
            hold_some(rng, rows)
        total += len(rows)
        batch += rows
        if len(batch) >= BATCH:
            insert_comments(batch)
            batch = []
    insert_comments(batch)
    return total


def hold_some(rng: random.Random, rows: list[dict]) -> None:
    """About 10 % held or spam, only comments nobody has answered."""
    answered = {row["parent_id"] for row in rows}
    for row in rows:
        if row["id"] not in answered and rng.random() < 0.1:
            row["status"] = rng.choice(("pending", "spam"))


def insert_comments(rows: list[dict]) -> None:
    for row in rows:
        row.pop("depth", None)
    if rows:
        insert(Comment, rows)


def reset_sequences() -> None:
    """PostgreSQL's id sequences do not see ids given explicitly."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "tags", "posts", "comments"):  # our own names, not input
        setval = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"  # noqa: S608
        db.session.execute(sa.text(setval))


def refresh_statistics() -> None:
    """What autovacuum does on a live PostgreSQL blog a minute after a bulk load.

    Measured straight after seeding, the planner would still believe the
    tables empty: the tag page of a 100,000-post blog took 217 ms instead of
    0.3 ms. (SQLite keeps no statistics unless asked, nor does the blog.)
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()


def seed(url: str, posts: int, comments: int, random_seed: int = 1) -> SeededBlog:
    started = time.perf_counter()
    posts = max(posts, len(SPECIAL_COMMENT_COUNTS))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "seed"})
    rng = random.Random(random_seed)
    with app.app_context():
        upgrade()
        author = User(username=AUTHOR, display_name="Bench Author")
        author.set_password(AUTHOR_PASSWORD)
        db.session.add(author)
        db.session.flush()
        tag_ids = seed_tags()
        seeded = seed_posts(rng, posts, author.id, tag_ids)
        stored = seed_comments(rng, seeded, comments)
        reset_sequences()
        db.session.commit()
        refresh_statistics()
        db.engine.dispose()
    special = {
        count: f"/{published:%Y/%m}/{slug}/"
        for (_, published, slug), count in zip(seeded[-4:], SPECIAL_COMMENT_COUNTS, strict=True)
    }
    seconds = time.perf_counter() - started
    return SeededBlog(url, posts, stored, special, "/tag/bench-0/", "river", seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument(
        "--database-url",
        required=True,
        help="an empty database: sqlite:////path/x.sqlite3 or postgresql://…",
    )
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args()
    blog = seed(args.database_url, args.posts, args.comments, args.random_seed)
    rate = (blog.posts + blog.comments) / blog.seconds
    print(
        f"{blog.posts:,} posts and {blog.comments:,} comments in {blog.seconds:.1f} s "
        f"({rate:,.0f} rows/s) into {blog.url.split(':', 1)[0]}"
    )


if __name__ == "__main__":
    main()
