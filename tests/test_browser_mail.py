"""In a real browser, mail caught by a real SMTP server: subscribe, confirm, hear, unsubscribe.

The blog runs under gunicorn with the project's gunicorn.conf.py, which starts
the mail worker itself: no other command is run.
"""

import re
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Post
from tests.conftest import TEST_PASSWORD, app_config, publish_on_live_blog, serve_blog
from tests.mail_server import MailServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def smtp():
    """One server for the module, like its blog (conftest's is per test)."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_blog(tmp_path_factory, smtp):
    """The blog under gunicorn, mailing through the loopback server."""
    folder = tmp_path_factory.mktemp("mail-live")
    settings = {"BLOG_MAIL_SERVER": smtp.url, "BLOG_MAIL_FROM": "blog@example.com",
                "BLOG_MAIL_TO": "ada@example.com", "BLOG_MAIL_POLL_SECONDS": "0.2"}  # fmt: skip
    with serve_blog(folder, "mail", **settings) as server:
        yield server


@pytest.fixture(scope="module")
def post_url(mail_blog) -> str:
    return publish_on_live_blog(mail_blog, "Ask me anything", "ask-me", "Questions welcome.")


def mail_to(smtp, address: str, count: int, timeout: float = 30):
    """The ``count``-th mail to ``address``, waiting for the worker to send it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [message for message in smtp.inbox.messages if message["To"] == address]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"no mail number {count} to {address}")


def link_in(message, pattern: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S*" + pattern + r"\S*", text).group(0)


def test_a_reader_subscribes_confirms_hears_of_a_reply_and_unsubscribes(
    browser: Browser, page: Page, mail_blog, post_url, smtp
):
    reader = browser.new_context().new_page()
    reader.goto(post_url)
    reader.get_by_label("Comment", exact=True).fill("How do I start?")
    reader.get_by_label("Name", exact=True).fill("Rita Reader")
    reader.get_by_label("Email", exact=True).fill("rita@example.com")
    notify = reader.get_by_label("Notify me of follow-up comments by email")
    expect(notify).not_to_be_checked()
    notify.check()
    with reader.expect_navigation():
        reader.get_by_role("button", name="Post Comment").click()
    expect(reader.get_by_text("Your comment is awaiting moderation.")).to_be_visible()

    # The worker gunicorn started sends the confirmation; Rita follows its link.
    confirmation = mail_to(smtp, "rita@example.com", 1)
    reader.goto(link_in(confirmation, "/mail/confirm/"))
    reader.get_by_role("button", name="Yes, send me these mails").click()
    expect(reader.get_by_role("heading", name="Notifications confirmed")).to_be_visible()

    # The author approves it from their mail's link, after logging in, then replies.
    approve = link_in(mail_to(smtp, "ada@example.com", 1), "action=approve")
    page.goto(approve)
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment by Rita Reader")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    page.goto(post_url)
    page.locator(".comment", has_text="How do I start?").get_by_role("link", name="Reply").click()
    page.get_by_label("Comment", exact=True).fill("Start with the first chapter.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post Comment").click()

    notification = mail_to(smtp, "rita@example.com", 2)
    assert "Ada Author" in notification.get_body(("plain",)).get_content()
    assert "Start with the first chapter." in notification.get_body(("plain",)).get_content()
    reader.goto(notification["List-Unsubscribe"].strip().strip("<>"))
    reader.get_by_role("button", name="Stop mail about this thread").click()
    expect(reader.get_by_text("You will get no more mail about this thread.")).to_be_visible()


@pytest.fixture(scope="module")
def mail_pages(mail_blog, post_url) -> dict[str, str]:
    """The address of each new page type, made on the live blog's database."""
    from blog.mail import subscriptions
    from blog.mail.models import MailAddress, Subscription
    from blog.models import Comment, CommentStatus

    app = create_app(app_config(mail_blog.database_url,
                                SECRET_KEY=mail_blog.env["BLOG_SECRET_KEY"]))  # fmt: skip
    with app.test_request_context(base_url=mail_blog.url):
        post = db.session.scalar(db.select(Post).where(Post.slug == "ask-me"))
        comment = Comment(post_id=post.id, author_name="Axe Reader", author_email="axe@example.com",
                          body="Checking.", status=CommentStatus.PENDING)  # fmt: skip
        address = MailAddress(email="axe@example.com")
        subscription = Subscription(address=address, post_id=post.id, comment=comment)
        db.session.add_all([comment, address, subscription])
        db.session.commit()
        pages = {
            "post-with-notify": post_url,
            "confirm": f"/mail/confirm/{subscriptions.confirm_token('axe@example.com')}",
            "unsubscribe": f"/mail/unsubscribe/{subscriptions.unsubscribe_token(subscription)}",
            "review": f"/admin/mail/comments/{comment.id}?action=spam",
            "outbox": "/admin/mail/outbox",
        }
        db.engine.dispose()
    return {name: mail_blog.url + path if path.startswith("/") else path
            for name, path in pages.items()}  # fmt: skip


@pytest.fixture(scope="module")
def author_state(browser: Browser, mail_blog, tmp_path_factory) -> str:
    context = browser.new_context()
    page = context.new_page()
    page.goto(mail_blog.url + "/login")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(mail_blog.url + "/admin/")
    path = str(tmp_path_factory.mktemp("mail-author") / "state.json")
    context.storage_state(path=path)
    context.close()
    return path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["post-with-notify", "confirm", "unsubscribe", "review", "outbox"])
def test_the_mail_pages_have_no_axe_violations(browser, mail_pages, author_state, name, scheme):
    from tests.test_reading import axe_report

    logged_in = name in ("review", "outbox")
    context = browser.new_context(color_scheme=scheme,
                                  storage_state=author_state if logged_in else None)  # fmt: skip
    page = context.new_page()
    response = page.goto(mail_pages[name])
    assert response.status == 200
    count, report = axe_report(page)
    context.close()
    assert count == 0, f"{name} ({scheme}):\n{report}"
