"""flask --app blog import-wxr: everything WordPress exported, kept; hostile files refused."""

import html
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from blog.auth import LOGIN_FAILED
from blog.extensions import db
from blog.models import POST_BODY_MAX_LENGTH, Comment, CommentStatus, Post, PostStatus, Tag, User
from blog.revisions import PostRevision
from blog.wxr import importer
from blog.wxr.importer import WP_COMMENT_MAX_LENGTH, WXRError, import_file
from tests.conftest import TEST_PASSWORD, post_form, row_counts, table_rows
from tests.live_server import ROOT
from tests.test_xss import assert_inert_page, fragment_problems

FIXTURES = Path(__file__).parent / "wxr"
SITE = FIXTURES / "site-1.2.xml"


def import_wxr(runner, path: Path = SITE, *args: str):
    return runner.invoke(args=["import-wxr", str(path), *args])


def post(app, wp_id: int) -> Post:
    with app.app_context():
        found = db.session.scalar(sa.select(Post).where(Post.wp_id == wp_id))
        assert found is not None, f"no post with wp_id {wp_id}"
        db.session.expunge(found)
        return found


def comments_by_wp_id(app) -> dict[int, Comment]:
    with app.app_context():
        found = {c.wp_id: c for c in db.session.scalars(sa.select(Comment))}
        db.session.expunge_all()
        return found


def tags_of(app, post_id: int) -> set[str]:
    with app.app_context():
        return {
            tag.name
            for tag in db.session.scalars(sa.select(Tag).where(Tag.posts.any(Post.id == post_id)))
        }


def edited_site(tmp_path, *replacements: tuple[str, str]) -> Path:
    """The sample site with each (old, new) text replaced once."""
    edited = SITE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in edited, old
        edited = edited.replace(old, new, 1)
    path = tmp_path / "edited.xml"
    path.write_text(edited, encoding="utf-8")
    return path


def import_edited(runner, tmp_path, *replacements: tuple[str, str]):
    return import_wxr(runner, edited_site(tmp_path, *replacements))


@pytest.fixture
def imported(app, runner):
    result = import_wxr(runner)
    assert result.exit_code == 0, result.output
    return result


# --- counts, kinds and states ------------------------------------------------


def test_the_report_counts_every_kind_and_state(imported):
    output = imported.output
    assert "Posts: 10 (4 draft, 5 published, 1 scheduled)" in output
    assert "Pages: 1 (1 published)" in output
    assert "Comments: 7 (4 approved, 1 pending, 1 spam, 1 trash)" in output
    assert "Authors created: 3; tags created: 5" in output
    assert "Skipped: 1 attachments" in output
    assert "Skipped: 1 menu items" in output
    assert "Skipped: 1 pingbacks and trackbacks" in output
    assert "Note: 1 password-protected posts imported as drafts" in output
    assert "Note: 1 private posts imported as drafts" in output


def test_the_rows_match_the_report(app, imported):
    counts = row_counts(app)
    assert counts["posts"] == 11
    assert counts["comments"] == 7
    assert counts["users"] == 3
    assert counts["tags"] == 5  # news, travel, café trips, python, ünïcode
    with app.app_context():
        statuses = dict(
            db.session.execute(
                sa.select(Comment.status, sa.func.count()).group_by(Comment.status)
            ).all()
        )
    assert statuses == {"approved": 4, "pending": 1, "spam": 1, "trash": 1}


def test_post_statuses_and_dates(app, imported):
    hello = post(app, 101)
    assert hello.status == PostStatus.PUBLISHED and hello.is_published
    assert hello.published_at == datetime(2020, 1, 15, 9, 0, tzinfo=UTC)  # post_date_gmt
    assert hello.updated_at == datetime(2020, 1, 16, 9, 0, tzinfo=UTC)
    assert hello.slug == "hello-world" and hello.title == "Hello World"
    assert hello.allow_comments is True
    assert post(app, 102).allow_comments is False  # comment_status closed
    future = post(app, 106)
    assert future.status == PostStatus.PUBLISHED and future.is_scheduled
    assert future.published_at == datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    for wp_id in (105, 107, 108, 111):  # draft, private, pending, password-protected
        assert post(app, wp_id).status == PostStatus.DRAFT
        assert post(app, wp_id).published_at is None
    # A draft has no GMT date: its post_date is read in the site's zone (UTC here).
    assert post(app, 105).created_at == datetime(2023, 1, 1, 12, 0, tzinfo=UTC)
    assert post(app, 105).slug == "a-draft"  # post_name was empty: made from the title


def test_local_dates_are_read_in_the_given_time_zone(app, runner):
    result = import_wxr(runner, SITE, "--timezone", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    # 2023-01-01 12:00 in Berlin (UTC+1 in winter) is 11:00 UTC.
    assert post(app, 105).created_at == datetime(2023, 1, 1, 11, 0, tzinfo=UTC)
    # Dates with a GMT version ignore the zone.
    assert post(app, 101).published_at == datetime(2020, 1, 15, 9, 0, tzinfo=UTC)


def test_an_unknown_time_zone_is_refused(runner):
    result = import_wxr(runner, SITE, "--timezone", "Mars/Olympus")
    assert result.exit_code != 0
    assert "unknown time zone" in result.output


def test_non_ascii_titles_slugs_and_tags(app, imported):
    privet = post(app, 104)
    assert privet.title == "Привет, мир — café"
    assert privet.slug == "privet-mir"  # the percent-encoded Cyrillic post_name, made ASCII
    assert "Текст на русском. Ünïcode 🙂" in privet.body_html
    assert tags_of(app, privet.id) == {"Ünïcode"}
    with app.app_context():
        slugs = dict(db.session.execute(sa.select(Tag.name, Tag.slug)).all())
    assert slugs["Ünïcode"] == "unicode"
    assert slugs["Café Trips"] == "cafe-trips"


def test_categories_and_tags_become_tags_and_pages_become_pages(app, imported):
    assert tags_of(app, post(app, 101).id) == {"News", "Python"}
    # A child category is flattened: the post carries it alone, by its own name.
    assert tags_of(app, post(app, 102).id) == {"Café Trips", "Ünïcode"}
    about = post(app, 110)
    assert about.title == "About" and about.is_published
    assert about.is_page and tags_of(app, about.id) == set()


def test_authors_are_mapped_and_cannot_log_in(app, client, runner, author):
    """alice is new (no password); an existing user with the same name is reused."""
    with app.app_context():
        db.session.add(User(username="bob", display_name="Bob Here", password_hash=None))
        db.session.commit()
    result = import_wxr(runner)
    assert result.exit_code == 0, result.output
    assert "Authors created: 2" in result.output  # alice and mallory; bob already existed
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        assert users["alice"].display_name == "Alice Liddell"
        assert users["alice"].password_hash is None
        assert not users["alice"].check_password("")
        assert users["bob"].display_name == "Bob Here"
        bob_posts = db.session.scalars(
            sa.select(Post.wp_id).where(Post.author_id == users["bob"].id)
        ).all()
    assert sorted(bob_posts) == [102, 105, 108]
    for password in ("", TEST_PASSWORD, "x" * 20):
        response = post_form(client, "/login", {"username": "alice", "password": password})
        assert response.status_code == 200  # the form again, not the redirect of a login
        page = response.get_data(as_text=True)
        assert "Log out" not in page
    assert html.escape(LOGIN_FAILED, quote=True) in page
    assert client.get("/admin/").status_code == 302  # still anonymous


# --- comments ------------------------------------------------------------------


def test_threads_three_deep_keep_their_parents_roots_and_states(app, imported):
    comments = comments_by_wp_id(app)
    carol, alice, dave = comments[201], comments[202], comments[203]
    assert carol.parent_id is None and carol.root_id is None
    assert alice.parent_id == carol.id and alice.root_id == carol.id
    assert dave.parent_id == alice.id and dave.root_id == carol.id  # third level
    assert (carol.status, alice.status, dave.status) == ("approved", "approved", "pending")
    assert comments[204].status == CommentStatus.SPAM
    assert comments[206].status == CommentStatus.TRASH
    assert 207 not in comments  # the pingback
    assert carol.author_name == "Carol" and carol.author_email == "carol@example.org"
    assert carol.author_url == "https://carol.example.org/" and carol.author_ip == "203.0.113.7"
    assert carol.created_at == datetime(2020, 1, 15, 10, 0, tzinfo=UTC)
    assert carol.body_html == (
        "<p>Lovely garden!</p>\n<p>Second paragraph of the first comment.</p>\n"
    )
    assert comments[208].author_ip == "2001:db8::1" and comments[208].author_name == "Дмитрий"


# The only comment of post 104: made a reply to comment 201, which belongs to post 101.
SPASIBO = (
    "<wp:comment_content><![CDATA[Спасибо!]]></wp:comment_content>\n"
    "\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>\n"
    "\t\t\t<wp:comment_type><![CDATA[]]></wp:comment_type>\n"
    "\t\t\t<wp:comment_parent>0</wp:comment_parent>"
)
SPASIBO_REPLIES_TO_201 = (SPASIBO, SPASIBO.replace(">0<", ">201<"))


@pytest.mark.parametrize("imported_before", [False, True], ids=["same file", "later file"])
def test_a_reply_to_another_posts_comment_becomes_top_level_on_its_own_post(
    app, runner, tmp_path, imported_before
):
    wp_id = 208
    if imported_before:  # 201 is already stored; the later file brings a new reply to it
        assert import_wxr(runner).exit_code == 0
        wp_id = 209
    renumbered = ("<wp:comment_id>208</wp:comment_id>", f"<wp:comment_id>{wp_id}</wp:comment_id>")
    path = edited_site(tmp_path, SPASIBO_REPLIES_TO_201, renumbered)
    with app.app_context():  # one item per batch: 201 is written before its "reply" is read
        report = import_file(path, ZoneInfo("UTC"), batch_size=1)
    assert "Note: 1 replies to a comment of another post, made top-level" in report.lines()
    reply = comments_by_wp_id(app)[wp_id]
    assert reply.post_id == post(app, 104).id
    assert reply.parent_id is None and reply.root_id is None


def test_the_authors_own_reply_is_linked_to_the_author(app, imported):
    comments = comments_by_wp_id(app)
    with app.app_context():
        alice = db.session.scalar(sa.select(User.id).where(User.username == "alice"))
    assert comments[202].user_id == alice
    assert comments[201].user_id is None


def test_the_thread_shows_on_the_post_page(app, client, imported):
    html = client.get("/2020/01/hello-world/").get_data(as_text=True)
    assert "Lovely garden!" in html
    assert "Thank you, Carol" in html
    assert "Third level, still pending." not in html  # pending: not shown to readers
    assert "Buy now" not in html and "Binned." not in html


@pytest.mark.parametrize("address", ["http://[::1", "http://[nope]/"])
def test_a_web_address_python_cannot_split_is_dropped(app, runner, tmp_path, address):
    result = import_edited(runner, tmp_path, ("https://carol.example.org/", address))
    assert result.exit_code == 0, result.output
    assert "Comments: 7" in result.output
    assert comments_by_wp_id(app)[201].author_url == ""


# Not WordPress ids this blog can keep: beyond BIGINT, negative, zero, not a number.
BAD_WP_IDS = ["9223372036854775808", "18446744073709551616", "-5", "0", "abc", "1e3"]


@pytest.mark.parametrize("wp_id", BAD_WP_IDS)
def test_a_post_with_a_bad_wordpress_id_is_skipped_and_reported(app, runner, tmp_path, wp_id):
    result = import_edited(
        runner, tmp_path, ("<wp:post_id>104</wp:post_id>", f"<wp:post_id>{wp_id}</wp:post_id>")
    )
    assert result.exit_code == 0, result.output
    assert "Skipped: 1 items without a valid wp:post_id" in result.output
    assert row_counts(app)["posts"] == 10
    with app.app_context():
        assert db.session.scalar(sa.select(Post).where(Post.title.startswith("Привет"))) is None


@pytest.mark.parametrize("wp_id", BAD_WP_IDS)
def test_a_comment_with_a_bad_wordpress_id_is_skipped_and_reported(app, runner, tmp_path, wp_id):
    result = import_edited(
        runner,
        tmp_path,
        ("<wp:comment_id>204</wp:comment_id>", f"<wp:comment_id>{wp_id}</wp:comment_id>"),
    )
    assert result.exit_code == 0, result.output
    assert "Skipped: 1 comments without a valid wp:comment_id" in result.output
    assert sorted(comments_by_wp_id(app)) == [201, 202, 203, 205, 206, 208]


@pytest.mark.parametrize("wp_id", BAD_WP_IDS)
def test_a_reply_to_a_bad_wordpress_id_becomes_top_level(app, runner, tmp_path, wp_id):
    result = import_edited(
        runner,
        tmp_path,
        (
            "<wp:comment_parent>202</wp:comment_parent>",
            f"<wp:comment_parent>{wp_id}</wp:comment_parent>",
        ),
    )
    assert result.exit_code == 0, result.output
    dave = comments_by_wp_id(app)[203]
    assert dave.parent_id is None and dave.root_id is None


def test_the_largest_bigint_is_a_wordpress_id_like_any_other(app, runner, tmp_path):
    largest = 2**63 - 1
    result = import_edited(
        runner,
        tmp_path,
        ("<wp:post_id>104</wp:post_id>", f"<wp:post_id>{largest}</wp:post_id>"),
        ("<wp:comment_id>208</wp:comment_id>", f"<wp:comment_id>{largest}</wp:comment_id>"),
    )
    assert result.exit_code == 0, result.output
    assert post(app, largest).slug == "privet-mir"
    assert comments_by_wp_id(app)[largest].post_id == post(app, largest).id


def test_text_too_long_to_render_safely_is_skipped_and_reported(app, runner, tmp_path):
    """One huge item would take gigabytes to sanitize: it is refused, the rest imported."""
    huge_post = "Текст " * (POST_BODY_MAX_LENGTH // 6 + 1)
    huge_comment = "Buy now " * (WP_COMMENT_MAX_LENGTH // 8 + 1)
    result = import_edited(
        runner,
        tmp_path,
        ("Текст на русском. Ünïcode 🙂", huge_post),
        ("<![CDATA[Buy now]]>", f"<![CDATA[{huge_comment}]]>"),
    )
    assert result.exit_code == 0, result.output
    assert "Skipped: 1 items longer than 200,000 characters (the editor's limit)" in result.output
    assert "Skipped: 1 comments longer than 65,525 characters" in result.output
    assert "Posts: 9" in result.output  # post 104 and its comment 208 are left out
    comments = comments_by_wp_id(app)
    assert 204 not in comments and 208 not in comments and 201 in comments
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.max(sa.func.length(Post.body)))) < 10_000


# --- content --------------------------------------------------------------------


def test_classic_content_gets_paragraphs_and_keeps_its_text(app, imported):
    hello = post(app, 101)
    assert hello.body_html.startswith(
        "<p>Welcome to the <strong>garden</strong>.<br>\nA second line of the first paragraph.</p>"
    )
    assert "<p>Second paragraph with *stars* that stay stars &amp; an ampersand.</p>" in (
        hello.body_html
    )
    assert '<pre>def hello():\n\n    return "world"</pre>' in hello.body_html
    assert "<li>one</li>" in hello.body_html
    # <!--more--> makes the teaser.
    assert hello.has_more
    assert "The rest, after the fold." not in hello.excerpt_html
    assert "Second paragraph" in hello.excerpt_html


def test_gutenberg_block_comments_are_removed(app, imported):
    gutenberg = post(app, 102)
    assert "wp:" not in gutenberg.body_html and "<!--" not in gutenberg.body_html
    assert "<p>First block paragraph.</p>" in gutenberg.body_html
    assert "<h3>A block heading</h3>" in gutenberg.body_html
    assert "<blockquote>\n<p>Quoted words.</p>\n</blockquote>" in gutenberg.body_html
    assert gutenberg.has_more
    assert gutenberg.excerpt == "A hand-written excerpt."


def test_unknown_shortcodes_stay_visible_and_captions_become_figures(app, imported):
    html = post(app, 103).body_html
    assert '[gallery ids="7,8,9"]' in html
    assert '[contact-form-7 id="12" title="Contact"]' in html
    assert (
        '<figure><img src="https://old.example.com/wp-content/uploads/rose.jpg" alt="A rose" '
        'width="300" height="200" decoding="async"><figcaption>A red rose</figcaption></figure>'
    ) in html


def test_rerender_gives_the_same_html(app, runner, imported):
    def rendered():
        with app.app_context():
            return db.session.execute(
                sa.select(Post.id, Post.body_html, Post.excerpt_html, Comment.id, Comment.body_html)
                .outerjoin(Comment, Comment.post_id == Post.id)
                .order_by(Post.id, Comment.id)
            ).all()

    before = rendered()
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    assert rendered() == before


def test_xss_in_imported_content_is_inert(app, client, imported):
    """Checked as a browser parses it, with the XSS corpus's own checker."""
    hostile = post(app, 109)
    comment = comments_by_wp_id(app)[205]
    for fragment in (hostile.body_html, hostile.excerpt_html, comment.body_html):
        assert fragment_problems(fragment) == [], fragment
    assert "&lt;img src=x onerror=alert(4)&gt;" in comment.body_html  # shown as the text it was
    assert comment.author_url == ""  # javascript: is not a web address
    assert hostile.title == "<b>Hostile</b> content"
    page = assert_inert_page(client.get("/2022/06/hostile-content/"), "hostile post")
    assert "&lt;b&gt;Hostile&lt;/b&gt; content" in page
    thread = assert_inert_page(client.get("/2020/01/hello-world/"), "hostile comment")
    assert "&lt;script&gt;alert(" in thread
    assert_inert_page(client.get("/"), "home page")


# --- other versions and hosts ----------------------------------------------------------


def test_wxr_1_1_imports(app, runner):
    result = import_wxr(runner, FIXTURES / "site-1.1.xml")
    assert result.exit_code == 0, result.output
    assert "Posts: 1 (1 published)" in result.output
    assert "Comments: 2 (2 approved)" in result.output
    assert "Skipped: 1 pingbacks and trackbacks" in result.output
    old = post(app, 7)
    assert old.excerpt == "Old excerpt"
    assert old.published_at == datetime(2011, 3, 5, 14, 0, tzinfo=UTC)
    assert tags_of(app, old.id) == {"Uncategorized", "Retro"}
    comments = comments_by_wp_id(app)
    assert comments[71].parent_id == comments[70].id
    with app.app_context():
        assert db.session.get(User, comments[71].user_id).username == "oldtimer"


def test_wxr_1_0_imports(app, runner):
    result = import_wxr(runner, FIXTURES / "site-1.0.xml")
    assert result.exit_code == 0, result.output
    assert "Comments: 1 (1 pending)" in result.output
    ancient = post(app, 3)
    assert ancient.body_html == "<p>Very old words.</p>"
    assert tags_of(app, ancient.id) == {"Misc", "Vintage"}
    with app.app_context():
        assert db.session.scalar(sa.select(User.username)) == "admin"


def test_https_namespace_uris_are_read(app, runner):
    result = import_wxr(runner, FIXTURES / "site-https.xml")
    assert result.exit_code == 0, result.output
    assert "Posts: 1 (1 published)" in result.output
    assert "Comments: 1 (1 approved)" in result.output
    hosted = post(app, 900)
    assert hosted.body_html == "<p>Written on a hosted site.</p>"
    assert hosted.excerpt == "Hosted excerpt"
    assert hosted.published_at == datetime(2024, 8, 9, 8, 0, tzinfo=UTC)
    assert tags_of(app, hosted.id) == {"Hosting"}


# --- idempotence and transactions ---------------------------------------------------------


def test_importing_twice_changes_nothing(app, runner, imported):
    before = table_rows(app)
    again = import_wxr(runner)
    assert again.exit_code == 0, again.output
    assert "Nothing new" in again.output
    assert "Already imported, left as they are: 7 comments, 1 pages, 10 posts" in again.output
    assert table_rows(app) == before


def test_a_second_file_with_new_comments_adds_only_those(app, runner, imported, tmp_path):
    """A later export of the same site: the old rows stay, the new reply joins its thread."""
    newer = SITE.read_text(encoding="utf-8").replace(
        "<wp:comment_id>204</wp:comment_id>", "<wp:comment_id>204</wp:comment_id>", 1
    )
    reply = """<wp:comment>
			<wp:comment_id>299</wp:comment_id>
			<wp:comment_author>Late</wp:comment_author>
			<wp:comment_date_gmt>2021-01-01 00:00:00</wp:comment_date_gmt>
			<wp:comment_content>A late reply</wp:comment_content>
			<wp:comment_approved>1</wp:comment_approved>
			<wp:comment_parent>203</wp:comment_parent>
		</wp:comment>
	</item>"""
    newer = newer.replace("</item>", reply, 1)
    path = tmp_path / "newer.xml"
    path.write_text(newer, encoding="utf-8")
    result = import_wxr(runner, path)
    assert result.exit_code == 0, result.output
    assert "Comments: 1 (1 approved)" in result.output
    assert "Posts: 0" in result.output
    comments = comments_by_wp_id(app)
    assert comments[299].parent_id == comments[203].id
    assert comments[299].root_id == comments[201].id


def test_a_file_that_breaks_half_way_imports_nothing(app, tmp_path):
    """Written in batches of one item, so rows were flushed before the error: all rolled back."""
    text = SITE.read_text(encoding="utf-8")
    cut = text.index("<title><![CDATA[Members only]]></title>")
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut] + "<title>unclosed</item>\n</channel></rss>\n", encoding="utf-8")
    before = row_counts(app)
    with app.app_context(), pytest.raises(WXRError, match=r"line \d+"):
        import_file(broken, ZoneInfo("UTC"), batch_size=1)
    assert row_counts(app) == before


def test_a_database_error_half_way_imports_nothing(app, monkeypatch):
    calls = []
    write_comments = importer.Importer.write_comments

    def failing(self, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        write_comments(self, batch)

    monkeypatch.setattr(importer.Importer, "write_comments", failing)
    before = row_counts(app)
    with app.app_context(), pytest.raises(RuntimeError, match="disk full"):
        import_file(SITE, ZoneInfo("UTC"), batch_size=1)
    assert len(calls) == 3
    assert row_counts(app) == before


def test_a_database_refusal_is_reported_and_rolled_back(app, runner, monkeypatch):
    def refuse(self, batch):
        raise sa.exc.IntegrityError("INSERT …", {}, Exception("duplicate key value"))

    monkeypatch.setattr(importer.Importer, "write_comments", refuse)
    result = import_wxr(runner)
    assert result.exit_code == 1
    assert "The database refused the import: duplicate key value. Nothing was imported." in (
        result.output
    )
    assert sum(row_counts(app).values()) == 0


# --- hostile and broken files -----------------------------------------------------------


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_declarations_are_refused(app, runner, name):
    result = import_wxr(runner, FIXTURES / name)
    assert result.exit_code == 1
    assert "Refused: the file declares XML entities" in result.output
    assert "Nothing was imported." in result.output
    assert "root:" not in result.output
    assert sum(row_counts(app).values()) == 0


def test_a_malformed_file_names_the_line(app, runner, tmp_path):
    lines = SITE.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "<title><![CDATA[Shortcodes" in line)
    lines[number - 1] = "\t\t<title>Shortcodes & broken</title>"
    broken = tmp_path / "malformed.xml"
    broken.write_text("\n".join(lines), encoding="utf-8")
    result = import_wxr(runner, broken)
    assert result.exit_code == 1
    assert f"The file is not well-formed XML: line {number}, column" in result.output
    assert "Nothing was imported." in result.output
    assert sum(row_counts(app).values()) == 0


def test_a_file_that_is_not_a_wordpress_export_is_refused(app, runner, tmp_path):
    atom = tmp_path / "feed.xml"
    atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    result = import_wxr(runner, atom)
    assert result.exit_code == 1
    assert "not a WordPress export" in result.output


# --- a large file: streaming and the progress line --------------------------------------


def load_bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import wxr_import
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return wxr_import


def test_a_large_file_shows_progress_and_imports_everything(app, runner, tmp_path):
    path = tmp_path / "large.xml"
    load_bench().generate(path, posts=400, comments=2000)
    result = import_wxr(runner, path)
    assert result.exit_code == 0, result.output
    progress = [line for line in result.output.splitlines() if line.startswith("Import")]
    # Not on a terminal: a line every 100 items (attachments count as items) and a last one.
    assert progress[0] == "Importing"
    assert progress[1] == "Importing: 99 posts, 497 comments"  # pingbacks are read too
    assert len(progress) == 6
    assert progress[-1] == "Imported: 400 posts, 2000 comments"
    assert "Posts: 400 (10 draft, 390 published)" in result.output
    assert "Skipped: 4 attachments" in result.output
    assert "Skipped: 8 pingbacks and trackbacks" in result.output
    counts = row_counts(app)
    assert (counts["posts"], counts["comments"]) == (400, 2000)
    with app.app_context():
        replies = db.session.scalar(
            sa.select(sa.func.count()).where(Comment.parent_id.is_not(None))
        )
        orphans = db.session.scalar(
            sa.select(sa.func.count()).where(
                Comment.parent_id.is_not(None), Comment.root_id.is_(None)
            )
        )
    assert replies > 400 and orphans == 0


def test_the_import_benchmark_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "wxr_import.py"), "--posts", "5", "--comments", "20"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "5 posts and 20 comments in" in result.stdout
    assert "posts/s" in result.stdout and "comments/s" in result.stdout


def revision_item(wp_id: int, parent: int, title: str, content: str, date: str) -> str:
    return f"""<item>
		<title><![CDATA[{title}]]></title>
		<dc:creator><![CDATA[alice]]></dc:creator>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[{parent}-revision-v1]]></wp:post_name>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_parent>{parent}</wp:post_parent>
		<wp:post_type><![CDATA[revision]]></wp:post_type>
	</item>
"""


def test_wordpress_revisions_become_revisions_of_their_post(app, runner, client, auth, tmp_path):
    # One before its post in the file, one after it, one of a post the file does not have.
    early = revision_item(901, 101, "Hello", "Welcome to the <em>yard</em>.", "2020-01-14 08:00:00")
    late = revision_item(902, 101, "Hello World", "Welcome to the garden.", "2020-01-14 09:00:00")
    orphan = revision_item(903, 99999, "Lost", "Nobody's", "2020-01-14 10:00:00")
    path = edited_site(
        tmp_path, ("<item>", early + "<item>"), ("</channel>", late + orphan + "</channel>")
    )
    result = import_wxr(runner, path)
    assert result.exit_code == 0, result.output
    assert "Revisions: 2" in result.output
    assert "Skipped: 1 revisions of posts not imported" in result.output
    hello = post(app, 101)
    with app.app_context():
        found = db.session.scalars(sa.select(PostRevision).order_by(PostRevision.created_at)).all()
        assert [(r.post_id, r.wp_id, r.title, r.kind) for r in found] == [
            (hello.id, 901, "Hello", "revision"),
            (hello.id, 902, "Hello World", "revision"),
        ]
        assert "<em>yard</em>" in found[0].body and found[0].status == hello.status
    again = import_wxr(runner, path)
    assert "Already imported, left as they are:" in again.output and "2 revisions" in again.output
    auth.login_through_session()
    page = client.get(f"/admin/posts/{hello.id}/revisions").get_data(as_text=True)
    assert page.count('<td data-label="Kind">Revision</td>') == 2
