"""A save sent after the session ended keeps its text through the login."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post
from blog.revisions import PostRevision
from tests.conftest import TEST_PASSWORD, csrf_token, hidden_fields
from tests.test_admin import form_data

TYPED = 'Hours of writing,\nwith <b>markup</b> & "quotes".\n\nStill here?'


def expire(client) -> None:
    with client.session_transaction() as session:
        session["seen_at"] = "2000-01-01T00:00:00+00:00"


def kept_fields(html: str) -> dict[str, str]:
    fields = hidden_fields(html, "kept-[a-z_]+|csrf_token")
    return {name: unescape(value) for name, value in fields.items()}


def save_after_expiry(client, url: str, **fields):
    token = csrf_token(client.get(url))
    expire(client)
    data = {"csrf_token": token, **form_data(body=TYPED, title="Long one", **fields)}
    return client.post(url, data=data)


def test_the_login_page_answers_the_save_and_carries_the_text(app, client, auth, make_post):
    post_id = make_post("Long one", body="old words")
    auth.login()
    response = save_after_expiry(client, f"/admin/posts/{post_id}/edit", tags="A, B")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Your session had ended, so your post is not saved yet." in html
    kept = kept_fields(html)
    assert kept["kept-body"] == TYPED and kept["kept-tags"] == "A, B"
    assert kept["kept-post"] == str(post_id)
    with app.app_context():  # nothing was written for a visitor not logged in
        assert db.session.get(Post, post_id).body == "old words"
        assert db.session.scalar(sa.select(sa.func.count(PostRevision.id))) == 0


def log_in_with(client, html: str, password=TEST_PASSWORD):
    data = {**kept_fields(html), "username": "author", "password": password}
    return client.post("/login", data=data)


def test_after_logging_in_the_editor_has_exactly_what_was_typed(app, client, auth, make_post):
    post_id = make_post("Long one", body="old words")
    auth.login()
    page = save_after_expiry(client, f"/admin/posts/{post_id}/edit").get_data(as_text=True)
    wrong = log_in_with(client, page, password="wrong")
    assert wrong.status_code == 200
    assert kept_fields(wrong.get_data(as_text=True))["kept-body"] == TYPED  # still carried
    response = log_in_with(client, wrong.get_data(as_text=True))
    assert response.status_code == 302
    assert re.fullmatch(rf"/admin/posts/{post_id}/edit\?autosave=\d+", response.headers["Location"])
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your unsaved text is back in the editor." in editor
    assert body_in(editor) == TYPED


def body_in(editor: str) -> str:
    """The Body field's text as a browser shows it (it drops the first newline)."""
    source = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', editor, re.S).group(1)
    return unescape(source).replace("\r\n", "\n").removeprefix("\n")


def test_a_new_post_comes_back_as_a_new_post(client, auth):
    auth.login()
    page = save_after_expiry(client, "/admin/posts/new").get_data(as_text=True)
    response = log_in_with(client, page)
    assert re.fullmatch(r"/admin/posts/new\?autosave=\d+", response.headers["Location"])
    assert body_in(client.get(response.headers["Location"]).get_data(as_text=True)) == TYPED


def test_other_admin_posts_and_gets_still_redirect_to_the_login(client, make_post):
    post_id = make_post()
    assert client.get(f"/admin/posts/{post_id}/edit").status_code == 302
    assert client.post(f"/admin/posts/{post_id}/delete").status_code in (302, 400)
    assert client.post("/admin/posts/new", data={"title": "no body"}).status_code in (302, 400)


def test_a_stranger_gets_a_login_page_and_nothing_is_stored(app, client, author):
    response = client.post("/admin/posts/new", data={"title": "spam", "body": "spam"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PostRevision.id))) == 0


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}]
)
def test_a_form_on_another_site_cannot_plant_text_in_the_editor(client, auth, make_post, headers):
    post_id = make_post("Long one", body="old words")
    auth.login()
    url = f"/admin/posts/{post_id}/edit"
    expire(client)
    response = client.post(url, data=form_data(body="Buy cheap pills"), headers=headers)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Buy cheap pills" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_same_site_origin_still_carries_the_text(client, auth, make_post):
    post_id = make_post("Long one", body="old words")
    auth.login()
    url = f"/admin/posts/{post_id}/edit"
    expire(client)
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
    response = client.post(url, data=form_data(body=TYPED), headers=headers)
    assert response.status_code == 401 and kept_fields(response.get_data(as_text=True))


@pytest.mark.parametrize("post_field", ["²", "99999999999999999999999", "0" * 30 + "1"])
def test_a_hostile_post_id_in_the_carried_text_starts_a_new_post(client, author, post_field):
    data = {
        "csrf_token": csrf_token(client.get("/login")),
        "username": "author",
        "password": TEST_PASSWORD,
        "kept-post": post_field,
        "kept-title": "Carried",
        "kept-body": TYPED,
    }
    response = client.post("/login", data=data)
    assert response.status_code == 302
    assert re.fullmatch(r"/admin/posts/new\?autosave=\d+", response.headers["Location"])
