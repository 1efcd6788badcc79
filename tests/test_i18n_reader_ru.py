"""A Russian blog as its readers meet it: counts, the comment form, its errors and the mail.

Uses the real catalogue (blog/translations/ru), compiled by
``scripts/translations.sh compile`` as the install step does.
"""

import html as html_module
import re

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.mail import outbox
from blog.models import Comment, CommentStatus
from tests.conftest import csrf_token, form_tokens, permalink
from tests.test_html import check_translated_pages

TITLE = "Новости"


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "LANGUAGE": "ru"}


@pytest.fixture
def post(make_post, client):
    post_id = make_post(TITLE, slug="novosti", body="Текст записи.")
    return post_id, permalink(client, TITLE)


def add_comments(app, post_id: int, count: int) -> None:
    with app.app_context():
        for number in range(count):
            comment = Comment(
                post_id=post_id,
                author_name=f"Читатель {number}",
                body=f"Комментарий {number}",
                status=CommentStatus.APPROVED,
            )
            comment.render()
            db.session.add(comment)
        db.session.commit()


def heading(page: str) -> str:
    match = re.search(r'<h2 id="comments-title" class="comments-title">(.*?)</h2>', page, re.S)
    return html_module.unescape(match.group(1)).strip()


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "Один комментарий"), (2, "2 комментария"), (5, "5 комментариев"),
     (11, "11 комментариев"), (21, "21 комментарий"), (22, "22 комментария"),
     (25, "25 комментариев")],
)  # fmt: skip
def test_the_comment_count_follows_russian_plural_rules(app, client, post, count, expected):
    add_comments(app, post[0], count)
    assert heading(client.get(post[1]).get_data(as_text=True)) == f"{expected} к записи «{TITLE}»"


def send_comment(client, post, **fields):
    page = client.get(post[1]).get_data(as_text=True)
    data = {**form_tokens(page), "comment": "Отличная запись!", "author": "Рита",
            "email": "rita@example.com", **fields}  # fmt: skip
    return client.post(f"/posts/{post[0]}/comments", data={k: v for k, v in data.items() if v})


def test_the_comment_form_speaks_russian(client, post):
    page = client.get(post[1]).get_data(as_text=True)
    for text in ("Оставить комментарий", "Ваш адрес email не будет опубликован.",
                 '<label for="comment">Комментарий</label>', '<label for="author">Имя</label>',
                 '<label for="email">Email</label>', '<label for="url">Сайт</label>',
                 'value="Отправить комментарий"'):  # fmt: skip
        assert text in page
    assert "Leave a Reply" not in page and "Post Comment" not in page


def test_the_comment_forms_errors_in_russian_with_the_text_kept(client, post):
    response = send_comment(client, post, comment="", author="", email="нет", url="ftp://x")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = re.findall(r'<p class="field-error" id="(\w+)-error" role="alert">(.*?)</p>', page)
    assert dict(errors) == {
        "comment": "Напишите комментарий.",
        "author": "Обязательное поле.",  # WTForms' own message, from its catalogue
        "email": "Введите правильный адрес email.",
        "url": "Введите адрес сайта, начинающийся с http:// или https://.",
    }
    assert 'value="нет"' in page


def test_a_too_long_comment_is_refused_in_russian(app, client, post):
    app.config["COMMENT_MAX_LENGTH"] = 21
    page = send_comment(client, post, comment="я" * 22).get_data(as_text=True)
    assert "Пожалуйста, уложитесь в 21 символ." in page


def test_the_csrf_expired_message_in_russian(client, post):
    data = {"comment": "Длинный комментарий", "author": "Рита", "email": "rita@example.com"}
    response = client.post(f"/posts/{post[0]}/comments", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Сессия истекла, отправьте форму ещё раз." in page and "Длинный комментарий" in page


def test_a_held_comment_and_the_reply_link_in_russian(app, client, post):
    add_comments(app, post[0], 1)
    response = send_comment(client, post)
    page = client.get(response.location).get_data(as_text=True)
    assert "Ваш комментарий ожидает проверки." in page
    # What comment-reply.js shows comes translated from the page.
    assert 'data-reply-title="Ответить пользователю Читатель 0"' in page
    assert 'data-leave-reply="Оставить комментарий"' in page
    with app.app_context():  # why it is held, as the author reads it on the moderation screen
        reason = db.session.scalar(
            sa.select(Comment.held_reason).where(Comment.author_name == "Рита")
        )
    assert reason == "Первый комментарий с этого адреса email."


@pytest.fixture
def mail_settings(app_settings, smtp):
    return {**app_settings, "MAIL_SERVER": smtp.url, "MAIL_FROM": "blog@example.com"}


def approve_in_the_admin(app, name: str) -> None:
    """As the moderation screen does, whose author's browser asks for English."""
    with app.test_request_context("/admin/comments", headers={"Accept-Language": "en"}):
        comment = db.session.scalar(sa.select(Comment).where(Comment.author_name == name))
        comment.status = CommentStatus.APPROVED
        db.session.commit()
        outbox.send_due()


class TestReaderMail:
    @pytest.fixture
    def app_settings(self, mail_settings):
        return mail_settings

    def test_a_reply_notification_in_the_sites_language(self, app, client, post, smtp):
        send_comment(client, post, notify="y")
        approve_in_the_admin(app, "Рита")
        [confirmation] = smtp.inbox.messages
        assert (
            confirmation["Subject"]
            == f"[My Blog] Подтвердите подписку на уведомления о записи «{TITLE}»"
        )
        text = confirmation.get_body(("plain",)).get_content()
        assert text.startswith("Здравствуйте,")
        [link] = re.findall(r"http://localhost(/mail/confirm/\S+)", text)
        confirm_page = client.get(link)
        assert "Да, присылайте мне эти письма" in confirm_page.get_data(as_text=True)
        client.post(link, data={"csrf_token": csrf_token(confirm_page)})

        with app.app_context():
            rita_id = db.session.scalar(sa.select(Comment.id).where(Comment.author_name == "Рита"))
        send_comment(client, post, author="Борис", email="boris@example.com",
                     comment="Спасибо!", parent_id=str(rita_id))  # fmt: skip
        approve_in_the_admin(app, "Борис")
        notification = smtp.inbox.messages[-1]
        assert notification["To"] == "rita@example.com"
        assert notification["Subject"] == (
            f"[My Blog] Новый ответ на ваш комментарий к записи «{TITLE}»"
        )
        text = notification.get_body(("plain",)).get_content()
        html = notification.get_body(("html",)).get_content()
        assert f"Борис пишет в ответ на ваш комментарий к записи «{TITLE}»:" in text
        assert "Отписаться от этих писем: http://localhost/mail/unsubscribe/" in text
        assert '<html lang="ru" dir="ltr">' in html and ">Прочитать на сайте</a>" in html
        assert "You get this mail" not in text + html


def test_the_russian_pages_are_valid_html(app, client, auth, post, tmp_path):
    pages = check_translated_pages(app, client, auth, post, tmp_path, language="ru")
    for name in ("post-with-comments", "moderation", "edit-post"):
        assert '<html lang="ru" dir="ltr">' in pages[name], name
    assert "Оставить комментарий" in pages["post-with-comments"]
