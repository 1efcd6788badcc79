"""WordPress pages arrive as pages, with their parents, order and the menu; and go back."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostKind
from blog.site.models import MenuItem
from tests.test_wxr_export import WP, items

# WordPress's own theme test data (github.com/WordPress/theme-test-data,
# themeunittestdata.wordpress.xml): 21 pages, three levels deep, and menus.
THEME_TEST_DATA = Path(__file__).parent / "wxr" / "themeunittestdata.wordpress.xml"

pytestmark = pytest.mark.skipif(
    not THEME_TEST_DATA.exists(),
    reason=f"{THEME_TEST_DATA.name} (WordPress/theme-test-data) is not in tests/wxr/",
)


@pytest.fixture
def imported(app, runner):
    result = runner.invoke(args=["import-wxr", str(THEME_TEST_DATA)])
    assert result.exit_code == 0, result.output
    return result.output


def pages(app) -> dict[str, Post]:
    with app.app_context():
        found = db.session.scalars(sa.select(Post).where(Post.kind == PostKind.PAGE)).all()
        db.session.expunge_all()
        return {page.title: page for page in found}


def test_the_21_pages_arrive_as_pages_with_their_parents_and_order(app, client, imported):
    assert "Pages: 21 (21 published)" in imported
    found = pages(app)
    assert len(found) == 21
    ids = {page.id: page for page in found.values()}
    assert ids[found["Level 3"].parent_id].title == "Level 2"
    assert ids[found["Level 2"].parent_id].title == "Level 1"
    assert found["Level 1"].parent_id is None
    assert ids[found["Page with comments"].parent_id].title == "About The Tests"
    assert (found["Page A"].menu_order, found["Page B"].menu_order) == (10, 11)
    assert found["Page with comments"].allow_comments
    assert not found["Page with comments disabled"].allow_comments
    assert client.get("/level-1/level-2/level-3/").status_code == 200
    assert client.get("/about/page-with-comments/").status_code == 200
    assert client.get("/level-3/").headers["Location"].endswith("/level-1/level-2/level-3/")
    greek = client.get("/greek/").get_data(as_text=True)
    assert "Ελληνικά-Greek" in greek
    # Old links: WordPress's ?page_id= answers with the page's new address.
    assert client.get("/?page_id=172").headers["Location"].endswith("/level-1/level-2/level-3/")
    # Not in the home page's posts (the imported menu links to it), in the sitemap.
    assert "Level 3" not in client.get("/").get_data(as_text=True).split('<main id="content"')[1]
    assert "/level-1/level-2/level-3/</loc>" in client.get("/sitemap.xml").get_data(as_text=True)


def test_the_first_menu_arrives_where_its_links_can_be_mapped(app, client, imported):
    assert "links from the menu 'all-pages-flat'" in imported  # the most that map
    with app.app_context():
        items = db.session.scalars(sa.select(MenuItem).order_by(MenuItem.position)).all()
        kinds = {item.kind for item in items}
        labels = [item.label for item in items]
    assert kinds <= {"page", "url"} and "page" in kinds
    assert labels == sorted(labels, key=labels.index)  # in WordPress's order
    header = client.get("/").get_data(as_text=True).split("</nav>")[0]
    assert 'href="/about/"' in header


def test_pages_export_back_as_pages_with_parents_and_order(app, runner, imported, tmp_path):
    path = tmp_path / "export.xml"
    result = runner.invoke(args=["export-wxr", str(path)])
    assert "21 pages" in result.output
    by_title = {item.findtext("title"): item for item in items(path).values()}
    level3, level2 = by_title["Level 3"], by_title["Level 2"]
    assert level3.findtext(f"{WP}post_type") == "page"
    assert level3.findtext(f"{WP}post_parent") == level2.findtext(f"{WP}post_id")
    assert by_title["Page B"].findtext(f"{WP}menu_order") == "11"
