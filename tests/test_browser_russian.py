"""A reader on a Russian blog in a real browser: commenting with and without JavaScript."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, User, utcnow
from tests.conftest import app_config, serve_blog
from tests.test_reading import DOCS_SCREENSHOTS, axe_report

pytestmark = pytest.mark.browser

TITLE = "Новости недели"


@pytest.fixture(scope="module")
def russian_post(tmp_path_factory) -> str:
    """A Russian blog under gunicorn with a post and one approved comment; the post's URL."""
    with serve_blog(tmp_path_factory.mktemp("ru-live"), "ru", BLOG_LANGUAGE="ru") as server:
        app = create_app(app_config(server.database_url))
        with app.app_context():
            author = db.session.scalar(db.select(User).where(User.username == "author"))
            post = Post(title=TITLE, slug="novosti-nedeli", body="Что нового за неделю.",
                        status=PostStatus.PUBLISHED, published_at=utcnow(),
                        author_id=author.id)  # fmt: skip
            db.session.add(post)
            db.session.flush()
            comment = Comment(post_id=post.id, author_name="Анна", body="Спасибо за обзор.",
                              status=CommentStatus.APPROVED)  # fmt: skip
            comment.render()
            db.session.add(comment)
            db.session.commit()
            published = post.published_at
            db.engine.dispose()
        yield f"{server.url}/{published:%Y/%m}/novosti-nedeli/"


def leave_comment(page: Page, text: str, name: str, email: str) -> None:
    page.get_by_label("Комментарий", exact=True).fill(text)
    page.get_by_label("Имя", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Отправить комментарий").click()


def test_a_reader_comments_without_javascript_and_reads_the_notice_in_russian(
    browser: Browser, russian_post
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(russian_post)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name=f"Один комментарий к записи «{TITLE}»")).to_be_visible()
    page.get_by_role("link", name="Ответить пользователю Анна").click()
    expect(page).to_have_url(re.compile(r"replytocom=\d+#respond$"))
    expect(page.locator("#reply-title-text")).to_have_text("Ответить пользователю Анна")
    leave_comment(page, "Согласен с Анной.", "Пётр", "petr@example.com")
    expect(page.get_by_text("Ваш комментарий ожидает проверки.")).to_be_visible()
    expect(page.locator("ol.children li.comment")).to_contain_text("Согласен с Анной.")
    context.close()


def test_the_reply_script_shows_the_pages_russian_titles(browser: Browser, russian_post):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(russian_post)
    count, report = axe_report(page)  # axe needs JavaScript: here, not in the test above
    assert count == 0, report
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the Russian post page, for the README
    page.screenshot(path=DOCS_SCREENSHOTS / "post-ru-1280.png", full_page=True)
    page.get_by_role("link", name="Ответить пользователю Анна").click()
    expect(page).not_to_have_url(re.compile("replytocom"))  # moved by the script, no reload
    expect(page.locator("#reply-title-text")).to_have_text("Ответить пользователю Анна")
    page.get_by_role("link", name="Отменить ответ").click()
    expect(page.locator("#reply-title-text")).to_have_text("Оставить комментарий")
    page.context.close()
    assert errors == []
