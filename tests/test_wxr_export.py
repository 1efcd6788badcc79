"""flask --app blog export-wxr: a WXR 1.2 file WordPress reads, and a lossless round trip."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from defusedxml import ElementTree
from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, PostKind, PostStatus, utcnow
from blog.wxr.exporter import export_ids
from tests.conftest import app_config
from tests.databases import scratch_database

SITE = Path(__file__).parent / "wxr" / "site-1.2.xml"
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"


def invoke(runner, *args: str):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def empty_blog(tmp_path):
    """A second, empty blog with its own database."""
    with scratch_database(tmp_path, "second") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()


def items(path: Path) -> dict:
    channel = ElementTree.parse(path).getroot().find("channel")
    return {item.findtext(f"{WP}post_id"): item for item in channel.iter("item")}


def test_the_round_trip_writes_the_same_file(app, runner, empty_blog, tmp_path):
    """Export → import into an empty blog → export again: byte for byte the same."""
    invoke(runner, "import-wxr", str(SITE))
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    invoke(runner, "export-wxr", str(first))
    result = invoke(empty_blog.test_cli_runner(), "import-wxr", str(first))
    assert "Posts: 10 (4 draft, 5 published, 1 scheduled)" in result.output
    assert "Pages: 1 (1 published)" in result.output
    assert "Comments: 7 (4 approved, 1 pending, 1 spam, 1 trash)" in result.output
    assert "Skipped" not in result.output
    invoke(empty_blog.test_cli_runner(), "export-wxr", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_the_round_trip_keeps_what_readers_see(app, runner, empty_blog, tmp_path):
    invoke(runner, "import-wxr", str(SITE))
    path = tmp_path / "blog.xml"
    invoke(runner, "export-wxr", str(path))
    invoke(empty_blog.test_cli_runner(), "import-wxr", str(path))
    for blog in (app, empty_blog):
        client = blog.test_client()
        page = client.get("/2020/01/hello-world/").get_data(as_text=True)
        assert "Welcome to the <strong>garden</strong>." in page
        assert "Thank you, Carol" in page
        assert client.get("/2022/02/privet-mir/").status_code == 200
        assert client.get("/tag/cafe-trips/").status_code == 200

    def discussion(blog):
        with blog.app_context():
            rows = db.session.execute(sa.select(Comment).order_by(Comment.wp_id)).scalars()
            by_id = {c.id: c for c in rows}
            return [
                (c.wp_id, c.status, c.author_name, c.author_email, c.author_url, c.author_ip,
                 c.body_html, c.created_at, by_id[c.parent_id].wp_id if c.parent_id else None,
                 by_id[c.root_id].wp_id if c.root_id else None)
                for c in by_id.values()
            ]  # fmt: skip

    assert discussion(empty_blog) == discussion(app)


def test_the_file_has_what_the_wordpress_importer_reads(app, runner, tmp_path):
    invoke(runner, "import-wxr", str(SITE))
    path = tmp_path / "blog.xml"
    result = invoke(runner, "export-wxr", str(path), "--url", "https://new.example.com")
    assert "Exported 10 posts, 1 pages, 7 comments, 5 tags, 3 authors" in result.output
    root = ElementTree.parse(path).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == "https://new.example.com"
    authors = {a.findtext(f"{WP}author_login") for a in channel.iter(f"{WP}author")}
    assert authors == {"alice", "bob", "mallory"}
    tags = {
        t.findtext(f"{WP}tag_slug"): t.findtext(f"{WP}tag_name") for t in channel.iter(f"{WP}tag")
    }
    assert tags["cafe-trips"] == "Café Trips" and tags["unicode"] == "Ünïcode"
    assert "page" not in tags
    found = items(path)
    hello = found["101"]
    assert hello.findtext("link") == "https://new.example.com/2020/01/hello-world/"
    assert hello.findtext(f"{WP}post_type") == "post"
    assert hello.findtext(f"{WP}status") == "publish"
    assert hello.findtext(f"{WP}post_date_gmt") == "2020-01-15 09:00:00"
    assert hello.findtext(f"{WP}post_name") == "hello-world"
    assert "<!--more-->" in hello.findtext(CONTENT)
    categories = {(c.get("domain"), c.get("nicename"), c.text) for c in hello.iter("category")}
    assert categories == {("post_tag", "news", "News"), ("post_tag", "python", "Python")}
    comments = {
        c.findtext(f"{WP}comment_id"): (
            c.findtext(f"{WP}comment_parent"),
            c.findtext(f"{WP}comment_approved"),
        )
        for c in hello.iter(f"{WP}comment")
    }
    assert comments == {
        "201": ("0", "1"), "202": ("201", "1"), "203": ("202", "0"),
        "204": ("0", "spam"), "205": ("0", "1"), "206": ("0", "trash"),
    }  # fmt: skip
    assert found["110"].findtext(f"{WP}post_type") == "page"
    assert found["106"].findtext(f"{WP}status") == "future"
    assert found["105"].findtext(f"{WP}status") == "draft"
    assert found["102"].findtext(EXCERPT) == "A hand-written excerpt."
    assert found["102"].findtext(f"{WP}comment_status") == "closed"


def test_exported_content_is_the_sanitized_html(app, runner, tmp_path):
    invoke(runner, "import-wxr", str(SITE))
    path = tmp_path / "blog.xml"
    invoke(runner, "export-wxr", str(path))
    hostile = items(path)["109"].findtext(CONTENT)
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<svg", "<style"):
        assert bad not in hostile.lower()
    assert "Click <a>here</a>" in hostile


@pytest.fixture
def native_blog(app, make_post):
    """Posts written here in Markdown, with a thread in every state."""
    first = make_post(
        "Written here", body="Some *Markdown*.\n\n<!--more-->\n\n```\ncode\n\nblock\n```",
        tags=["Notes"], kind=PostKind.PAGE,
    )  # fmt: skip
    make_post("Later", body="Second post", status=PostStatus.DRAFT)
    make_post("Soon", published_at=utcnow() + timedelta(days=3))
    with app.app_context():
        top = Comment(post_id=first, author_name="Ann", body="Top\n\nlevel", status="approved")
        db.session.add(top)
        db.session.flush()
        reply = Comment(post_id=first, author_name="Ben", body="Reply", status="pending",
                        parent_id=top.id, root_id=top.id)  # fmt: skip
        db.session.add(reply)
        db.session.flush()
        for status in CommentStatus:
            db.session.add(Comment(post_id=first, author_name=f"C {status}", body=status.value,
                                   status=status, parent_id=reply.id, root_id=top.id))  # fmt: skip
        db.session.commit()
    return app


def test_posts_written_here_export_as_html_and_come_back(native_blog, runner, empty_blog, tmp_path):
    path = tmp_path / "native.xml"
    result = invoke(runner, "export-wxr", str(path))
    assert "Exported 2 posts, 1 pages, 7 comments, 1 tags, 1 authors" in result.output
    item = next(iter(i for i in items(path).values() if i.findtext("title") == "Written here"))
    assert item.findtext(f"{WP}post_type") == "page"
    assert item.findtext(CONTENT) == (
        "<p>Some <em>Markdown</em>.</p>\n\n<!--more-->\n\n<pre><code>code\n\nblock\n</code></pre>"
    )
    states = sorted(c.findtext(f"{WP}comment_approved") for c in item.iter(f"{WP}comment"))
    assert states == ["0", "0", "1", "1", "spam", "trash", "trash"]  # removed is written as trash
    result = invoke(empty_blog.test_cli_runner(), "import-wxr", str(path))
    assert "Posts: 2 (1 draft, 1 scheduled)" in result.output
    assert "Pages: 1 (1 published)" in result.output
    assert "Comments: 7 (3 approved, 2 pending, 1 spam, 3 trash)" not in result.output
    assert "Comments: 7 (2 approved, 2 pending, 1 spam, 2 trash)" in result.output
    with empty_blog.app_context():
        comments = db.session.scalars(sa.select(Comment).order_by(Comment.wp_id)).all()
        depth_two = [c for c in comments if c.parent_id and c.parent_id != c.root_id]
    assert len(depth_two) == 5 and all(c.root_id == comments[0].id for c in depth_two)
    again = tmp_path / "again.xml"
    invoke(empty_blog.test_cli_runner(), "export-wxr", str(again))
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_ids_written_here_never_collide_with_wordpress_ids():
    # Post 3 was written here; post 7 came from WordPress as post 3.
    assert export_ids([(3, None), (7, 3), (8, None)]) == {3: 9, 7: 3, 8: 8}
    assert export_ids([(1, None), (2, None)]) == {1: 1, 2: 2}
    assert export_ids([]) == {}
