"""The site from the admin, in headless Chromium against gunicorn: pages, the menu, settings."""

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.site.models import MenuItem, StoredSettings
from tests.conftest import app_config
from tests.test_browser import log_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "java_script_enabled": False}


@pytest.fixture
def leaves_the_site_as_it_was(live_server):
    """The live blog is shared with other browser tests: its menu and settings go back."""
    yield
    app = create_app(app_config(live_server.database_url))
    with app.app_context():
        db.session.execute(sa.delete(MenuItem))
        db.session.execute(sa.delete(StoredSettings))
        db.session.commit()
        db.engine.dispose()


def test_the_author_makes_an_about_page_and_a_reader_on_a_phone_finds_it(
    page: Page, browser: Browser, live_server, leaves_the_site_as_it_was
):
    slug = f"about-{uuid.uuid4().hex[:6]}"
    log_in(page, live_server.url)
    page.get_by_role("link", name="Pages").click()
    page.get_by_role("link", name="New page").click()
    page.get_by_label("Title").fill("About me")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Body").fill("I write about *gardens*.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview em")).to_have_text("gardens")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Saved “About me”.")).to_be_visible()

    page.get_by_role("link", name="Menu").click()
    page.get_by_label("Link to").select_option(label="Page: About me")
    page.get_by_role("button", name="Add to the menu").click()
    expect(page.get_by_text("Added to the menu.")).to_be_visible()

    reader = browser.new_context(**PHONE).new_page()  # no JavaScript at all
    reader.goto(live_server.url + "/")
    menu = reader.get_by_role("navigation", name="Site")
    link = menu.get_by_role("link", name="About me")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # on the screen, not beyond it
    link.click()
    expect(reader).to_have_url(re.compile(f"/{slug}/$"))
    expect(reader.get_by_role("heading", name="About me")).to_be_visible()
    expect(menu.get_by_role("link", name="About me")).to_have_attribute("aria-current", "page")
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    reader.context.close()


def test_the_administrator_renames_the_site_and_every_page_shows_it(
    page: Page, browser: Browser, live_server, leaves_the_site_as_it_was
):
    name = f"Garden Notes {uuid.uuid4().hex[:4]}"
    warm = browser.new_context()
    for path in ("/", "/search", "/feed/"):  # stored in the page cache now
        assert warm.request.get(live_server.url + path).ok
    warm.close()
    log_in(page, live_server.url)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Site title").fill(name)
    page.get_by_label("Posts per page").fill("lots")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Please give a whole number from 1 to 100.")).to_be_visible()
    expect(page.get_by_label("Site title")).to_have_value(name)  # kept
    page.get_by_label("Posts per page").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    # Every page, from each of gunicorn's workers: many requests reach both. (A
    # browser that has a page in its own cache keeps it up to max-age, 5 minutes.)
    reader = browser.new_context().new_page()
    for path in ("/", "/search", "/no-such-page/", "/login") * 3:
        reader.goto(live_server.url + path)
        expect(reader.locator(".site-title")).to_have_text(name)
        expect(reader).to_have_title(re.compile(re.escape(name)))
    feed = reader.request.get(live_server.url + "/feed/").text()
    assert f'<title type="text">{name}</title>' in feed
    reader.context.close()
