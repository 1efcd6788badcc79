"""A reply or a corrected comment sent after the session ended comes back through the login."""

import re
from html import unescape

import sqlalchemy as sa

from blog.extensions import db
from blog.models import Comment, CommentStatus
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.test_unsaved import TYPED, expire, kept_fields

COMMENT_TEXT = r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>'


def send_after_expiry(client, url: str, **fields):
    token = csrf_token(client.get(url))
    expire(client)
    return client.post(url, data={"csrf_token": token, **fields})


def log_in_again(client, html: str, username="writer"):
    data = {**kept_fields(html), "username": username, "password": TEST_PASSWORD}
    return client.post("/login", data=data)


def comment_field(html: str) -> str:
    text = re.search(COMMENT_TEXT, html, re.S).group(1)
    return unescape(text).replace("\r\n", "\n").removeprefix("\n")


def test_a_reply_comes_back_in_its_form_and_is_sent_once_more(app, client, writer, world):
    comment_id = world["mine"]["comment"]
    url = f"/admin/comments/{comment_id}/reply"
    login_page = send_after_expiry(client, url, comment=TYPED)
    assert login_page.status_code == 401
    html = login_page.get_data(as_text=True)
    assert "so the comment is not saved yet" in html
    assert kept_fields(html)["kept-comment"] == TYPED
    back = log_in_again(client, html)
    assert back.status_code == 200
    form = back.get_data(as_text=True)
    assert "here is your text again" in form
    assert comment_field(form) == TYPED
    assert f'action="{url}"' in form
    sent = client.post(url, data={"csrf_token": csrf_token(back), "comment": TYPED})
    assert sent.status_code == 302
    with app.app_context():
        reply = db.session.scalar(sa.select(Comment).where(Comment.parent_id == comment_id))
        assert reply.body == TYPED


def test_a_corrected_comment_comes_back_with_every_field(client, writer, world):
    url = f"/admin/comments/{world['mine']['comment']}/edit"
    fields = {"author_name": "Reader R.", "author_email": "r@example.com", "author_url": "",
              "comment": TYPED, "status": "approved"}  # fmt: skip
    back = log_in_again(client, send_after_expiry(client, url, **fields).get_data(as_text=True))
    form = back.get_data(as_text=True)
    assert comment_field(form) == TYPED
    assert 'value="Reader R."' in form and 'value="r@example.com"' in form
    assert '<option selected value="approved">' in form


def test_text_for_a_comment_one_may_not_moderate_goes_nowhere(app, client, writer, world):
    """Logged in again as another author: their own comment list, nothing of the text."""
    url = f"/admin/comments/{world['mine']['comment']}/reply"
    html = send_after_expiry(client, url, comment=TYPED).get_data(as_text=True)
    back = log_in_again(client, html, username="other")
    assert back.status_code == 302 and back.headers["Location"] == "/admin/comments"
    with app.app_context():
        assert db.session.scalar(sa.select(Comment.status).where(
            Comment.id == world["mine"]["comment"])) == CommentStatus.PENDING  # fmt: skip


def test_the_notices_of_text_carried_through_the_login_are_translated(app, client, writer, world):
    app.config["LANGUAGE"] = "ru"  # the login page speaks it, and the admin without Accept-Language
    url = f"/admin/comments/{world['mine']['comment']}/reply"
    login_page = send_after_expiry(client, url, comment=TYPED).get_data(as_text=True)
    assert "Ваш сеанс истёк, поэтому комментарий ещё не сохранён." in login_page
    back = log_in_again(client, login_page).get_data(as_text=True)
    assert "Ваш сеанс истёк: вот ваш текст снова." in back
