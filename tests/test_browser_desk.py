"""The author's desk in Chromium: nothing typed is lost, and leaving asks first.

A gunicorn of its own, whose sessions end after six idle seconds and whose
editor autosaves every two, so the tests can wait past both.
"""

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import TEST_PASSWORD, serve_blog

pytestmark = pytest.mark.browser

IDLE_SECONDS = 6
AUTOSAVE_SECONDS = 2
TYPED = 'Hours of writing,\nwith <b>markup</b> & "quotes".\n\nStill here?'


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory):
    with serve_blog(
        tmp_path_factory.mktemp("desk"),
        "desk",
        BLOG_SESSION_IDLE_MINUTES=str(IDLE_SECONDS / 60),
        BLOG_AUTOSAVE_SECONDS=str(AUTOSAVE_SECONDS),
    ) as server:
        yield server


def log_in(page: Page) -> None:
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_new_post(page: Page, base: str) -> None:
    page.goto(base + "/admin/posts/new")
    if "/login" in page.url:
        log_in(page)
    expect(page.get_by_role("heading", name="New post")).to_be_visible()


def test_a_save_after_the_session_ended_comes_back_after_logging_in(browser: Browser, desk_server):
    page = browser.new_context().new_page()
    open_new_post(page, desk_server.url)
    page.get_by_label("Title").fill("Written slowly")
    page.get_by_label("Body").fill(TYPED)
    # One autosave goes out; then nothing changes and the session runs out.
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at", timeout=10_000)
    time.sleep(IDLE_SECONDS + 1.5)
    page.get_by_role("button", name="Save draft").click()
    expect(
        page.get_by_text("Your session had ended, so your post is not saved yet.")
    ).to_be_visible()
    log_in(page)
    expect(page.get_by_text("Your unsaved text is back in the editor.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Written slowly")
    expect(page.get_by_label("Body")).to_have_value(TYPED)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved draft “Written slowly”.")).to_be_visible()
    page.context.close()


def test_the_autosave_survives_closing_the_tab(browser: Browser, desk_server):
    context = browser.new_context()
    page = context.new_page()
    open_new_post(page, desk_server.url)
    page.get_by_label("Title").fill("Closed too soon")
    page.get_by_label("Body").fill("Typed, then the tab was closed.")
    page.close()  # before the next autosave: only the one sent on leaving can keep it
    again = context.new_page()
    open_new_post(again, desk_server.url)
    again.get_by_role("link", name="Put it back in the editor").click()
    expect(again.get_by_label("Body")).to_have_value("Typed, then the tab was closed.")
    expect(again.get_by_label("Title")).to_have_value("Closed too soon")
    context.close()


def test_leaving_with_unsaved_changes_asks_first_and_not_after_saving(
    browser: Browser, desk_server
):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    open_new_post(page, desk_server.url)
    page.get_by_label("Title").fill("Unsaved")
    page.get_by_label("Body").fill("Words not saved yet.")
    with page.expect_event("dialog"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]
    # Dismissed: the page stays. Saving, then leaving, asks nothing.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved draft “Unsaved”.")).to_be_visible()
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]
    context.close()


def test_the_publish_button_and_the_date_note_follow_the_date(browser: Browser, desk_server):
    page = browser.new_context().new_page()
    open_new_post(page, desk_server.url)
    note = page.locator("#publish-note")
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    expect(note).to_have_text("Empty: published the moment you press Publish.")
    page.get_by_label("Publish date").fill("2099-12-03T09:00")
    expect(page.get_by_role("button", name="Schedule")).to_be_visible()
    expect(note).to_have_text("Will be published on December 3, 2099 at 09:00, UTC.")
    page.get_by_label("Publish date").fill("2001-02-03T04:05")
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    expect(note).to_have_text("Published on February 3, 2001 at 04:05, UTC.")
    page.get_by_label("Title").fill("Later")
    page.get_by_label("Body").fill("Soon.")
    page.get_by_label("Publish date").fill("2099-12-03T09:00")
    page.get_by_role("button", name="Schedule").click()
    expect(
        page.get_by_text("Scheduled “Later” for December 3, 2099 at 09:00, UTC.")
    ).to_be_visible()
    page.context.close()
