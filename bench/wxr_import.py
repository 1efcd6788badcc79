"""How fast ``import-wxr`` is: posts and comments per second on a generated export.

Writes a WordPress export (WXR 1.2) with N posts and M threaded comments
(classic and Gutenberg content, categories and tags, comments in every
state, a few pingbacks and attachments), then imports it into a fresh
database through the same code as ``flask --app blog import-wxr`` and
prints the rates.

    .venv/bin/python bench/wxr_import.py                 # SQLite, 5,000 posts, 50,000 comments
    .venv/bin/python bench/wxr_import.py --database-url postgresql://root@127.0.0.1:5432/test
    .venv/bin/python bench/wxr_import.py --posts 10 --comments 50   # a quick check
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zoneinfo import ZoneInfo

from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from blog.wxr.importer import import_file
from tests.databases import scratch_database

VOCABULARY = (
    "garden rose tulip soil water spring summer autumn winter seed compost shade sun rain "
    "path fence bench pond bird bee butterfly leaf root branch flower fruit apple pear plum "
    "the of and to a in is that it for on with as was this be at by not are from or have "
    "café naïve Straße привет мир 東京"
)
WORDS = VOCABULARY.split()
NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)
STATES = ["1"] * 85 + ["0"] * 8 + ["spam"] * 5 + ["trash"] * 2


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def content(rng: random.Random, number: int) -> str:
    paragraphs = [
        " ".join(sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(2, 5)))
        for _ in range(rng.randint(3, 6))
    ]
    if number % 3 == 0:  # Gutenberg
        blocks = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
        blocks.insert(1, "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->")
        return "\n\n".join(blocks)
    paragraphs[0] += ' <a href="https://example.com/">a link</a> and <em>emphasis</em>'
    if number % 5 == 0:
        paragraphs.append('[gallery ids="1,2,3"]')
    return "\n\n".join(paragraphs)


def comment_xml(rng, comment_id, parent, date, approved, kind="comment") -> str:
    text = "\n\n".join(sentence(rng, rng.randint(5, 25)) for _ in range(rng.randint(1, 2)))
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author><![CDATA[Reader {comment_id % 997}]]></wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>r{comment_id % 997}@example.org"
        "</wp:comment_author_email>\n"
        "\t\t\t<wp:comment_author_url>https://reader.example.org/</wp:comment_author_url>\n"
        "\t\t\t<wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{date:%Y-%m-%d %H:%M:%S}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content><![CDATA[{text}]]></wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{approved}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_type>{kind}</wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
        "\t\t</wp:comment>\n"
    )


def generate(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    """Write a WXR 1.2 file with ``posts`` posts and ``comments`` comments (plus extras)."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    per_post = [comments // posts + (1 if n < comments % posts else 0) for n in range(posts)]
    categories = [f"category-{n}" for n in range(20)]
    tags = [f"tag-{n}" for n in range(50)]
    comment_id = 1_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" {NAMESPACES}>\n')
        out.write("<channel>\n\t<title>Generated</title>\n\t<link>https://gen.example.com</link>\n")
        out.write("\t<wp:wxr_version>1.2</wp:wxr_version>\n")
        out.write("\t<wp:base_site_url>https://gen.example.com</wp:base_site_url>\n")
        out.write("\t<wp:base_blog_url>https://gen.example.com</wp:base_blog_url>\n")
        for login in ("alice", "bob", "carol"):
            out.write(f"\t<wp:author><wp:author_login>{login}</wp:author_login>"
                      f"<wp:author_display_name>{login.title()}</wp:author_display_name>"
                      "</wp:author>\n")  # fmt: skip
        for slug in categories:
            out.write(f"\t<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                      f"<wp:cat_name>{slug.title()}</wp:cat_name></wp:category>\n")  # fmt: skip
        for number in range(posts):
            date = start + timedelta(hours=7 * number)
            name = f"post-number-{number}"
            category = rng.choice(categories)
            terms = (
                f'\t\t<category domain="category" nicename="{category}">'
                f"<![CDATA[{category.title()}]]></category>\n"
            ) + "".join(
                f'\t\t<category domain="post_tag" nicename="{t}"><![CDATA[{t}]]></category>\n'
                for t in rng.sample(tags, rng.randint(0, 3))
            )
            status = "draft" if number % 40 == 7 else "publish"
            out.write(
                "\t<item>\n"
                f"\t\t<title>{escape(sentence(rng, rng.randint(3, 8)))}</title>\n"
                f"\t\t<link>https://gen.example.com/{date:%Y/%m/%d}/{name}/</link>\n"
                f"\t\t<dc:creator>{rng.choice(('alice', 'bob', 'carol'))}</dc:creator>\n"
                f"\t\t<content:encoded><![CDATA[{content(rng, number)}]]></content:encoded>\n"
                "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
                f"\t\t<wp:post_id>{number + 1}</wp:post_id>\n"
                f"\t\t<wp:post_date>{date:%Y-%m-%d %H:%M:%S}</wp:post_date>\n"
                f"\t\t<wp:post_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>\n"
                "\t\t<wp:comment_status>open</wp:comment_status>\n"
                f"\t\t<wp:post_name>{name}</wp:post_name>\n"
                f"\t\t<wp:status>{status}</wp:status>\n"
                "\t\t<wp:post_type>post</wp:post_type>\n"
                f"{terms}"
            )
            ids: list[int] = []
            for n in range(per_post[number]):
                comment_id += 1
                # About a third are replies, to any earlier comment: threads several deep.
                parent = rng.choice(ids) if ids and rng.random() < 0.35 else 0
                moment = date + timedelta(minutes=10 * (n + 1))
                out.write(comment_xml(rng, comment_id, parent, moment, rng.choice(STATES)))
                ids.append(comment_id)
            if number % 50 == 0:  # a pingback, skipped by the import
                comment_id += 1
                out.write(comment_xml(rng, comment_id, 0, date, "1", "pingback"))
            out.write("\t</item>\n")
            if number % 100 == 0:  # an attachment, skipped too
                out.write(f"\t<item><title>image</title><wp:post_id>{10_000_000 + number}"
                          "</wp:post_id><wp:post_type>attachment</wp:post_type>"
                          "<wp:status>inherit</wp:status></item>\n")  # fmt: skip
        out.write("</channel>\n</rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        wxr = Path(folder) / "export.xml"
        generate(wxr, args.posts, args.comments)
        megabytes = wxr.stat().st_size / 1e6
        with scratch_database(Path(folder), "bench", args.database_url) as url:
            app = create_app(
                {"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
            )
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                report = import_file(wxr, ZoneInfo("UTC"))
                seconds = time.perf_counter() - started
                db.engine.dispose()
    posts = sum(report.posts.values())
    comments = sum(report.comments.values())
    database = url.split(":", 1)[0]
    print(f"import-wxr, {database}, {megabytes:.1f} MB file: "
          f"{posts} posts and {comments} comments in {seconds:.1f} s")  # fmt: skip
    print(f"  {posts / seconds:,.0f} posts/s, {comments / seconds:,.0f} comments/s")
    for line in report.lines():
        print("  " + line)


if __name__ == "__main__":
    main()
