"""A reader finds their way: search, a result, a related post, a tag."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Post, PostStatus, Tag, User, utcnow
from tests.conftest import app_config

pytestmark = pytest.mark.browser


@pytest.fixture
def garden_posts(live_server) -> str:
    """Two related posts about a made-up plant, so search finds exactly them."""
    word = f"zinnobar{uuid.uuid4().hex[:6]}"
    app = create_app(app_config(live_server.database_url))
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "author"))
        garden = Tag(name=f"Garden {word}", slug=f"garden-{word}")
        for title, body in [
            (f"Growing {word} at home", f"How I grow {word} on the balcony."),
            ("Watering schedules", f"Every plant, {word} included, needs water."),
        ]:
            post = Post(
                title=title,
                slug=f"{title.split()[0].lower()}-{word}",
                body=body,
                status=PostStatus.PUBLISHED,
                published_at=utcnow(),
                author_id=author.id,
            )
            post.tags = [garden]
            db.session.add(post)
        db.session.commit()
        db.engine.dispose()
    return word


def test_reader_searches_opens_a_result_follows_related_and_a_tag(
    page: Page, live_server, garden_posts
):
    word = garden_posts
    page.goto(live_server.url + "/")
    search = page.get_by_role("search")
    search.get_by_label("Search for").fill(word)
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q="))
    results = page.locator("main")
    expect(results.get_by_role("link", name=f"Growing {word} at home")).to_be_visible()
    expect(results.locator("mark").first).to_have_text(word)

    results.get_by_role("link", name=f"Growing {word} at home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Growing {word} at home")
    related = page.locator(".related-posts")
    related.get_by_role("link", name="Watering schedules").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Watering schedules")

    page.locator("article").get_by_role("link", name=f"Garden {word}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tag: Garden {word}")
    expect(page.locator("main .entry")).to_have_count(2)
