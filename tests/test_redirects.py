"""Old WordPress links answer with a 301 to the post or tag page they became."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import LegacyLink, Post

SITE = Path(__file__).parent / "wxr" / "site-1.2.xml"
PRIVET = "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80"


@pytest.fixture
def imported(app, runner):
    result = runner.invoke(args=["import-wxr", str(SITE)])
    assert result.exit_code == 0, result.output
    return app


def moved_to(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 301, (url, response.status_code)
    return response.headers["Location"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=101", "/2020/01/hello-world/"),
        ("/?page_id=110", "/about/"),
        ("/?p=110", "/about/"),  # WordPress answers ?p= for pages too
        # /%year%/%monthnum%/%day%/%postname%/, with and without the trailing slash
        ("/2020/01/15/hello-world/", "/2020/01/hello-world/"),
        ("/2020/01/15/hello-world", "/2020/01/hello-world/"),
        # /%postname%/
        ("/hello-world/", "/2020/01/hello-world/"),
        ("/about", "/about/"),  # a page: at its WordPress address, with the slash
        # /archives/%post_id%
        ("/archives/101", "/2020/01/hello-world/"),
        # Non-ASCII: WordPress's percent-encoded slug, in every shape
        (f"/2022/02/10/{PRIVET}/", "/2022/02/privet-mir/"),
        (f"/2022/02/{PRIVET}/", "/2022/02/privet-mir/"),
        (f"/{PRIVET.upper()}/", "/2022/02/privet-mir/"),
        # Other views of an old post
        ("/2020/01/15/hello-world/comment-page-2/", "/2020/01/hello-world/"),
        ("/2020/01/15/hello-world/amp/", "/2020/01/hello-world/"),
        # Categories (hierarchical too) and tags go to the tag pages
        ("/category/news/", "/tag/news/"),
        ("/category/travel/caf%c3%a9-trips/", "/tag/cafe-trips/"),
        ("/category/travel/", "/tag/travel/"),
        ("/tag/%c3%bcn%c3%afcode/", "/tag/unicode/"),
        ("/?tag=python", "/tag/python/"),
        ("/?tag=%c3%bcn%c3%afcode", "/tag/unicode/"),
        # Search and date archives
        ("/?s=garden+rose", "/search?q=garden+rose"),
        ("/?m=202001", "/2020/01/"),
        ("/?m=2020", "/2020/"),
        # Feeds
        ("/feed/atom/", "/feed/"),
        ("/feed/rss2/", "/feed/"),
        ("/?feed=rss2", "/feed/"),
        ("/comments/feed/atom/", "/comments/feed/"),
        ("/?feed=comments-rss2", "/comments/feed/"),
    ],
)
def test_old_links_redirect_permanently(client, imported, old, new):
    assert moved_to(client, old) == new


def test_the_month_shape_is_the_blogs_own_permalink(client, imported):
    """/%year%/%monthnum%/%postname%/ is this blog's own shape: served, not redirected."""
    assert client.get("/2020/01/hello-world/").status_code == 200
    # An old month in another time zone is corrected by the post view itself.
    assert moved_to(client, "/2020/02/hello-world/") == "/2020/01/hello-world/"


def test_the_blogs_own_pages_are_not_shadowed(client, imported):
    assert client.get("/").status_code == 200
    assert client.get("/?page=1").status_code == 200
    assert client.get("/tag/python/").status_code == 200
    assert client.get("/feed/").status_code == 200
    assert client.get("/comments/feed/").status_code == 200


def test_drafts_and_scheduled_posts_keep_their_old_links_private(client, imported):
    for url in ("/?p=105", "/?p=106", "/?p=107", "/2022/05/01/private-thoughts/",
                "/private-thoughts/", "/archives/111"):  # fmt: skip
        response = client.get(url)
        if url.startswith("/?"):
            assert response.status_code == 200 and "Hello World" in response.get_data(as_text=True)
        else:
            assert response.status_code == 404, url


def test_unknown_old_links_are_the_usual_404(client, imported):
    for url in ("/?p=999", "/no-such-post/", "/archives/999", "/category/nothing/"):
        response = client.get(url)
        if url.startswith("/?"):
            assert response.status_code == 200  # the home page, as before
        else:
            assert response.status_code == 404
            assert "Sorry, there is nothing here" in response.get_data(as_text=True)


def test_a_post_request_to_an_old_link_is_not_redirected(client, imported):
    assert client.post("/hello-world/").status_code in (404, 405, 400)


def test_without_an_import_nothing_changes(client, make_post):
    make_post("Hello world")
    assert client.get("/hello-world/").status_code == 404
    assert client.get("/?p=1").status_code == 200


def test_links_are_looked_up_in_an_index(app, imported):
    with app.app_context():
        indexes = sa.inspect(db.engine).get_indexes("legacy_links")
        by_column = {tuple(index["column_names"]): index for index in indexes}
        assert by_column[("path",)]["unique"]
        assert "ix_posts_wp_id" in {i["name"] for i in sa.inspect(db.engine).get_indexes("posts")}
        paths = set(db.session.scalars(sa.select(LegacyLink.path)))
    assert {"/2020/01/15/hello-world", "/hello-world", "/archives/101", "/about"} <= paths
    assert "/category/travel/café-trips" in paths
    assert "/tag/python" not in paths  # the same as the blog's own tag page


def test_deleting_a_post_deletes_its_old_links(app, client, imported):
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.wp_id == 101))
        db.session.delete(post)
        db.session.commit()
        left = db.session.scalar(
            sa.select(sa.func.count()).where(LegacyLink.path == "/2020/01/15/hello-world")
        )
    assert left == 0
    assert client.get("/2020/01/15/hello-world/").status_code == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [("/no/such/%00page", 404), ("/tag/%00/", 404), ("/?tag=%00x", 200), ("/?tag=a%01b", 200)],
)
def test_control_characters_in_old_links_lead_nowhere(client, url, status):
    """PostgreSQL refuses NUL in text: the lookup must not even ask (the home page ignores it)."""
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "query", ["p=%C2%B2", "page_id=%C2%B2", "page_id=" + "0" * 12 + "1" + "0" * 20, "p=" + "9" * 30]
)
def test_an_id_that_is_no_row_id_is_not_found(client, query):
    """Digits int() refuses ("²"), or too large for the database: a 404, never a 500."""
    assert client.get(f"/?{query}").status_code in (200, 404)
