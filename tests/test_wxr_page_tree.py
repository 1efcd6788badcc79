"""The page tree of WordPress's theme unit test export arrives whole.

tests/wxr/page_tree.xml is our own file with exactly the shape of the 21 pages in
themeunittestdata.wordpress.xml (WordPress/theme-test-data): the same post ids,
parents, menu_order values and order in the file (children before their
parents), with our own words.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostKind

PAGE_TREE = Path(__file__).parent / "wxr" / "page_tree.xml"
# WordPress post id -> (its parent's post id or 0, menu_order), as in the real export.
TREE = {
    2: (0, 1), 146: (0, 7), 155: (2, 3), 156: (2, 4), 172: (173, 0), 173: (174, 0),
    174: (0, 5), 501: (2, 2), 701: (0, 0), 703: (0, 0), 733: (0, 10), 735: (0, 11),
    742: (174, 0), 744: (174, 0), 746: (173, 0), 748: (173, 0), 1133: (2, 0), 1134: (2, 0),
    1809: (0, 0), 1811: (1809, 0), 1813: (1811, 0),
}  # fmt: skip


@pytest.fixture
def imported(app, runner):
    result = runner.invoke(args=["import-wxr", str(PAGE_TREE)])
    assert result.exit_code == 0, result.output
    return result.output


def test_all_21_pages_arrive_with_their_parents_and_order(app, imported):
    assert "Pages: 21 (21 published)" in imported
    with app.app_context():
        rows = db.session.execute(
            sa.select(Post.id, Post.wp_id, Post.parent_id, Post.menu_order).where(
                Post.kind == PostKind.PAGE
            )
        ).all()
    wp_id_of = {row.id: row.wp_id for row in rows}
    found = {row.wp_id: (wp_id_of.get(row.parent_id, 0), row.menu_order) for row in rows}
    assert found == TREE


def test_the_deepest_pages_answer_under_their_parents(client, imported):
    assert client.get("/level-1/level-2/level-3/").status_code == 200
    assert client.get("/level-1/level-2/level-3b/").status_code == 200
    assert client.get("/about/page-with-comments/").status_code == 200
    # The Greek slugs become ASCII; the WordPress path answers with a 301 to the new one.
    wordpress_path = "/kipos/%CE%BA%CE%AE%CF%80%CE%BF%CF%82-2/%CE%BA%CE%AE%CF%80%CE%BF%CF%82-3/"
    moved = client.get(wordpress_path)
    assert moved.status_code == 301 and moved.headers["Location"].endswith(
        "/kipos/kepos-2/kepos-3/"
    )
    assert "Κήπος, τρίτο μέρος" in client.get("/kipos/kepos-2/kepos-3/").get_data(as_text=True)
    assert client.get("/?page_id=1813").status_code == 301
