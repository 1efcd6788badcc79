"""Readers and the author in a real browser: commenting, moderating, replying."""

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus
from tests.conftest import TEST_PASSWORD, app_config, publish_on_live_blog

pytestmark = pytest.mark.browser


@pytest.fixture
def live_post(live_server) -> str:
    """A fresh published post on the live blog; returns its absolute URL."""
    slug = f"discuss-{uuid.uuid4().hex[:8]}"
    return publish_on_live_blog(live_server, "Let us discuss", slug, "Tell me what you think.")


def approve_all(live_server) -> None:
    app = create_app(app_config(live_server.database_url))
    with app.app_context():
        db.session.execute(sa.update(Comment).values(status=CommentStatus.APPROVED))
        db.session.commit()
        db.engine.dispose()


def watch_dialogs(page: Page) -> list[str]:
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def leave_comment(page: Page, text: str, name: str, email: str, save: bool = False) -> None:
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    if save:
        page.get_by_label("Save my name, email, and website").check()
    with page.expect_navigation():  # the POST and its redirect, before anything else
        page.get_by_role("button", name="Post Comment").click()


def test_comment_moderate_and_reply_without_javascript(
    browser: Browser, page: Page, live_server, live_post
):
    first = browser.new_context().new_page()
    dialogs = watch_dialogs(first)
    first.goto(live_post)
    leave_comment(
        first, "First! Great post.", "Fiona First", f"fiona-{uuid.uuid4().hex}@example.com"
    )
    expect(first.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(first.get_by_text("First! Great post.")).to_be_visible()

    # The author approves it from the moderation screen.
    page.goto(live_server.url + "/login?next=/admin/comments")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    row = page.locator("tr", has_text="Fiona First")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_text("Approve: 1 comment.")).to_be_visible()

    # A second reader, JavaScript off, replies.
    no_js = browser.new_context(java_script_enabled=False)
    second = no_js.new_page()
    dialogs += watch_dialogs(second)
    second.goto(live_post)
    expect(second.get_by_role("heading", name="One Response to “Let us discuss”")).to_be_visible()
    second.get_by_role("link", name="Reply to Fiona First").click()
    expect(second).to_have_url(re.compile(r"replytocom=\d+#respond$"))
    expect(second.get_by_role("heading", name=re.compile("Reply to Fiona First"))).to_be_visible()
    expect(second.get_by_role("link", name="Cancel reply")).to_be_visible()
    leave_comment(second, "I agree with Fiona.", "Sam Second", "sam@example.com")
    expect(second.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    nested = second.locator("ol.comment-list > li.comment > ol.children > li.comment")
    expect(nested).to_contain_text("I agree with Fiona.")
    no_js.close()
    first.context.close()
    assert dialogs == []


def test_hostile_comment_shows_as_text_and_never_runs(browser: Browser, live_post):
    page = browser.new_context().new_page()
    dialogs = watch_dialogs(page)
    page.goto(live_post)
    payload = "<img src=x onerror=alert(1)> and <script>alert(2)</script>"
    leave_comment(page, payload, "<b onmouseover=alert(3)>Mallory</b>", "mallory@example.com")
    content = page.locator(".comment-content").last
    expect(content).to_contain_text("<img src=x onerror=alert(1)>")
    expect(content).to_contain_text("<script>alert(2)</script>")
    expect(page.locator(".comment-content img")).to_have_count(0)
    expect(page.locator(".comment-author").last).to_contain_text(
        "<b onmouseover=alert(3)>Mallory</b>"
    )
    page.locator(".comment-author").last.hover()
    page.context.close()
    assert dialogs == []


def test_save_my_details_prefills_only_when_ticked(browser: Browser, live_post):
    page = browser.new_context().new_page()
    page.goto(live_post)
    leave_comment(page, "Not saving anything.", "Nora Nosave", "nora@example.com")
    page.goto(live_post)
    expect(page.get_by_label("Name", exact=True)).to_have_value("")
    expect(page.get_by_label("Save my name, email, and website")).not_to_be_checked()

    leave_comment(page, "Please remember me.", "Rory Remember", "rory@example.com", save=True)
    page.goto(live_post)
    expect(page.get_by_label("Name", exact=True)).to_have_value("Rory Remember")
    expect(page.get_by_label("Email", exact=True)).to_have_value("rory@example.com")
    expect(page.get_by_label("Save my name, email, and website")).to_be_checked()
    page.context.close()


def test_reply_with_javascript_moves_the_form_under_the_comment(
    browser: Browser, live_server, live_post
):
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(live_post)
    leave_comment(page, "Top comment.", "Tess Top", "tess@example.com")
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    approve_all(live_server)
    page.goto(live_post)
    page.get_by_role("link", name="Reply to Tess Top").click()
    expect(page).not_to_have_url(re.compile("replytocom"))  # no reload
    expect(page.locator("li.comment > #respond")).to_have_count(1)
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Tess Top")
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator("li.comment > #respond")).to_have_count(0)
    expect(page.locator("#reply-title-text")).to_have_text("Leave a Reply")

    page.get_by_role("link", name="Reply to Tess Top").click()
    leave_comment(page, "Answering Tess.", "Rex Replier", "rex@example.com")
    expect(page.locator("ol.children li.comment")).to_contain_text("Answering Tess.")
    page.context.close()
    assert errors == []
