"""A right-to-left site in Chromium: threads indent from the right, nothing overflows.

The stylesheet uses logical properties (``margin-inline-start``…), so the same
rules indent a reply from the left in English and from the right in Arabic.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, User, utcnow
from tests.conftest import app_config, serve_blog
from tests.test_reading import OVERFLOW_SCRIPT, SCREENSHOTS, axe_report

pytestmark = pytest.mark.browser

# (parent's index, author, text): a thread three levels deep, and a second thread.
THREAD = [
    (None, "ليلى", "قرأت المقال على هاتفي ولم أحتج إلى التكبير مرة واحدة."),
    (0, "سامي", "وأنا أيضاً، والنص يبدأ من اليمين كما ينبغي."),
    (1, "ليلى", "والردود تتدرج نحو اليسار، مستوى بعد مستوى."),
    (None, "مريم", "شكراً على هذا الشرح الواضح."),
]


@pytest.fixture(scope="module")
def arabic_server(tmp_path_factory):
    with serve_blog(tmp_path_factory.mktemp("rtl"), "rtl", BLOG_LANGUAGE="ar") as server:
        yield server


def discussed_post(database_url: str, title: str) -> tuple[str, list[int]]:
    """A post with THREAD under it: its path and the comments' ids."""
    app = create_app(app_config(database_url))
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "author"))
        now = utcnow()
        post = Post(title=title, slug=f"thread-{now:%H%M%S%f}", body="نص المقال.",
                    status=PostStatus.PUBLISHED, published_at=now - timedelta(hours=1),
                    author_id=author.id)  # fmt: skip
        db.session.add(post)
        db.session.flush()
        comments: list[Comment] = []
        for number, (parent, name, body) in enumerate(THREAD):
            above = comments[parent] if parent is not None else None
            comment = Comment(
                post_id=post.id, parent_id=above and above.id,
                root_id=above and (above.root_id or above.id), author_name=name,
                author_email=f"reader{number}@example.com", body=body,
                status=CommentStatus.APPROVED, created_at=now - timedelta(minutes=30 - number),
            )  # fmt: skip
            db.session.add(comment)
            db.session.flush()
            comments.append(comment)
        db.session.commit()
        path = f"/{post.published_at:%Y/%m}/{post.slug}/"
        ids = [comment.id for comment in comments]
        db.engine.dispose()
    return path, ids


@pytest.fixture(scope="module")
def arabic_post(arabic_server) -> tuple[str, list[int]]:
    path, ids = discussed_post(arabic_server.database_url, "عن القراءة")
    return arabic_server.url + path, ids


@pytest.fixture(scope="module")
def english_post(live_server) -> tuple[str, list[int]]:
    path, ids = discussed_post(live_server.database_url, "On reading")
    return live_server.url + path, ids


def comment_box(page: Page, comment_id: int) -> dict:
    return page.locator(f"#comment-{comment_id}").bounding_box()


def open_post(browser: Browser, url: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.emulate_media(reduced_motion="reduce")
    assert page.goto(url).status == 200
    return page


@pytest.mark.parametrize("width", [375, 1280])
def test_in_arabic_a_reply_is_indented_from_the_right(browser: Browser, arabic_post, width):
    url, (first, reply, deeper, _) = arabic_post
    page = open_post(browser, url, width)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    parent, child, grandchild = (comment_box(page, id) for id in (first, reply, deeper))
    # Indented from the right: its right edge stands in from its parent's...
    assert child["x"] + child["width"] < parent["x"] + parent["width"] - 4
    assert grandchild["x"] + grandchild["width"] < child["x"] + child["width"] - 4
    # ...and it still reaches as far left (the thread's column is the same width).
    assert abs(child["x"] - parent["x"]) <= 1 and abs(grandchild["x"] - child["x"]) <= 1


def test_in_english_a_reply_is_indented_from_the_left(browser: Browser, english_post):
    url, (first, reply, deeper, _) = english_post
    page = open_post(browser, url, 1280)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    parent, child, grandchild = (comment_box(page, id) for id in (first, reply, deeper))
    assert child["x"] > parent["x"] + 4 and grandchild["x"] > child["x"] + 4
    assert abs((child["x"] + child["width"]) - (parent["x"] + parent["width"])) <= 1


# In a right-to-left page what is too wide sticks out on the left.
LEFT_OVERFLOW_SCRIPT = """() => [...document.body.querySelectorAll("*")]
  .filter(element => element.getBoundingClientRect().left < -1)
  .map(element => `${element.tagName.toLowerCase()}.${element.className}`)"""


def test_the_arabic_discussion_fits_a_phone(browser: Browser, arabic_post):
    url, _ = arabic_post
    page = open_post(browser, url, 375)
    result = page.evaluate(OVERFLOW_SCRIPT)
    assert result["scrollWidth"] <= result["innerWidth"], result
    assert page.evaluate(LEFT_OVERFLOW_SCRIPT) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_arabic_post_page_has_no_axe_violations(browser: Browser, arabic_post, scheme):
    url, _ = arabic_post
    page = open_post(browser, url, 1280)
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    count, report = axe_report(page)
    assert count == 0, report


def test_screenshots_of_the_rtl_discussion(browser: Browser, arabic_post):
    """Saved for people to look at (test-artifacts/screenshots/rtl-discussion-*.png)."""
    url, _ = arabic_post
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for width in (375, 1280):
        page = open_post(browser, url, width)
        saved.append(SCREENSHOTS / f"rtl-discussion-{width}.png")
        page.locator("#comments").screenshot(path=saved[-1])
        page.context.close()
    assert all(file.stat().st_size > 1000 for file in saved)
