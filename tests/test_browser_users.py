"""An administrator adds an author with a setup link; the author takes it from there."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Post, User
from tests.conftest import TEST_PASSWORD, app_config
from tests.test_browser import log_in
from tests.test_reading import axe_report

pytestmark = pytest.mark.browser


@pytest.fixture
def username(live_server):
    """A new author's name; they and their posts leave the shared live blog afterwards."""
    name = f"bea{uuid.uuid4().hex[:6]}"
    yield name
    app = create_app(app_config(live_server.database_url))
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == name))
        db.session.execute(sa.delete(Post).where(Post.author_id == user_id))
        db.session.execute(sa.delete(User).where(User.id == user_id))
        db.session.commit()
        db.engine.dispose()


def accessible(page: Page) -> None:
    count, report = axe_report(page)
    assert count == 0, f"{page.url}:\n{report}"


def test_a_new_author_sets_a_password_writes_and_cannot_open_settings(
    page: Page, browser: Browser, live_server, username
):
    log_in(page, live_server.url)
    page.get_by_role("link", name="Users").click()
    accessible(page)
    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()  # empty: refused, with messages
    expect(page.locator(".field-error").first).to_be_visible()
    accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill("Bea Writer")
    page.get_by_label("A one-time setup link").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("heading", name="Bea Writer is added")).to_be_visible()
    link = page.locator(".setup-link code").inner_text()
    accessible(page)
    page.get_by_role("link", name="All users").click()
    page.get_by_role("link", name="Bea Writer").click()
    accessible(page)

    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    accessible(newcomer)
    newcomer.get_by_label("Choose a password").fill(TEST_PASSWORD)
    newcomer.get_by_label("The same password again").fill(TEST_PASSWORD)
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer.get_by_text("Your password is set.")).to_be_visible()
    newcomer.get_by_label("Username").fill(username)
    newcomer.get_by_label("Password").fill(TEST_PASSWORD)
    newcomer.get_by_role("button", name="Log in").click()
    expect(newcomer.get_by_role("heading", name="Dashboard")).to_be_visible()

    newcomer.get_by_role("link", name="New post").first.click()
    newcomer.get_by_label("Title").fill("Bea's first")
    newcomer.get_by_label("Body").fill("Hello from *Bea*.")
    newcomer.get_by_role("button", name="Publish", exact=True).click()
    expect(newcomer.get_by_text("Published “Bea's first”.")).to_be_visible()

    nav = newcomer.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    answer = newcomer.goto(live_server.url + "/admin/settings")
    assert answer.status == 403
    expect(newcomer.get_by_text("Only an administrator may open this page.")).to_be_visible()
    newcomer.goto(link)  # used once: gone
    expect(newcomer.get_by_text("works once, for 48 hours")).to_be_visible()
    newcomer.context.close()
