"""WordPress pages arrive as pages, with their parents, order and the menu; and go back."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostKind
from blog.site.models import MenuItem, MenuKind
from tests.test_wxr_export import WP, items

# Our own WXR 1.2 file: 10 pages three levels deep (one slugged "feed", like a
# route of the blog), one post, one comment, and two menus of 7 items in all.
PAGES = Path(__file__).parent / "wxr" / "pages.xml"


@pytest.fixture
def imported(app, runner):
    result = runner.invoke(args=["import-wxr", str(PAGES)])
    assert result.exit_code == 0, result.output
    return result.output


def pages(app) -> dict[str, Post]:
    with app.app_context():
        found = db.session.scalars(sa.select(Post).where(Post.kind == PostKind.PAGE)).all()
        db.session.expunge_all()
        return {page.title: page for page in found}


def test_the_10_pages_arrive_as_pages_with_their_parents_and_order(app, client, imported):
    assert "Pages: 10 (10 published)" in imported
    assert "Posts: 1 (1 published)" in imported
    assert "Comments: 1 (1 approved)" in imported
    found = pages(app)
    assert len(found) == 10
    ids = {page.id: page for page in found.values()}
    # Level 3 comes first in the file, before the parents it names.
    assert ids[found["Level 3"].parent_id].title == "Level 2"
    assert ids[found["Level 2"].parent_id].title == "Level 1"
    assert found["Level 1"].parent_id is None
    assert ids[found["Page with comments"].parent_id].title == "About"
    assert ids[found["Page with comments disabled"].parent_id].title == "About"
    assert (found["Page A"].menu_order, found["Page B"].menu_order) == (10, 11)
    assert found["Page with comments"].allow_comments
    assert not found["Page with comments disabled"].allow_comments
    assert client.get("/level-1/level-2/level-3/").status_code == 200
    assert client.get("/about/page-with-comments/").status_code == 200
    assert client.get("/about/page-with-comments-disabled/").status_code == 200
    assert client.get("/level-3/").headers["Location"].endswith("/level-1/level-2/level-3/")
    greek = client.get("/greek/").get_data(as_text=True)
    assert "Ελληνικά-Greek" in greek
    # Old links: WordPress's ?page_id= answers with the page's new address.
    response = client.get("/?page_id=303")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/level-1/level-2/level-3/")
    # Not among the home page's posts (the one post is), in the sitemap.
    home = client.get("/").get_data(as_text=True).split('<main id="content"')[1]
    assert "First beans of the year" in home
    assert "Level 3" not in home
    assert "/level-1/level-2/level-3/</loc>" in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_page_slugged_like_a_route_is_renamed_and_the_route_kept(app, client, imported):
    assert pages(app)["Feed"].slug == "feed-page"
    assert "Which feeds the hens get" in client.get("/feed-page/").get_data(as_text=True)
    assert "xml" in client.get("/feed/").content_type  # still the blog's feed
    # A child may keep such a slug: under its parent it shadows nothing.
    assert pages(app)["Level 1"].slug == "level-1"


def test_the_menu_with_the_most_links_that_map_arrives(app, client, imported):
    # The top bar maps 3 of its 4 top-level links, the footer 1 of 2.
    assert "Menu: 3 links from the menu 'top-bar'" in imported
    # Of the 7 menu items, 4 are left: the category link, the sub-item, the footer's two.
    assert "Skipped: 4 menu items this blog cannot map" in imported
    found = pages(app)
    with app.app_context():
        menu = db.session.scalars(sa.select(MenuItem).order_by(MenuItem.position)).all()
        links = [(item.kind, item.label, item.target_id, item.url) for item in menu]
    assert links == [
        (MenuKind.PAGE, "About", found["About"].id, ""),  # no title: the page's
        (MenuKind.PAGE, "Levels", found["Level 1"].id, ""),
        (MenuKind.URL, "Society rules", None, "https://rules.example.org/allotments/"),
    ]
    header = client.get("/").get_data(as_text=True).split("</nav>")[0]
    assert 'href="/about/"' in header
    assert 'href="/level-1/"' in header
    assert 'href="https://rules.example.org/allotments/"' in header


def test_pages_export_back_as_pages_with_parents_and_order(app, runner, imported, tmp_path):
    path = tmp_path / "export.xml"
    result = runner.invoke(args=["export-wxr", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 posts, 10 pages" in result.output
    by_title = {item.findtext("title"): item for item in items(path).values()}
    level3, level2 = by_title["Level 3"], by_title["Level 2"]
    assert level3.findtext(f"{WP}post_type") == "page"
    assert level3.findtext(f"{WP}post_parent") == level2.findtext(f"{WP}post_id")
    assert by_title["Level 1"].findtext(f"{WP}post_parent") == "0"
    assert by_title["Page A"].findtext(f"{WP}menu_order") == "10"
    assert by_title["Page B"].findtext(f"{WP}menu_order") == "11"
    assert by_title["Page with comments disabled"].findtext(f"{WP}comment_status") == "closed"
    assert by_title["Page with comments"].findtext(f"{WP}comment_status") == "open"
