"""The page editor has what the post editor has: revisions, and text kept through the login."""

import re

import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post
from blog.revisions import PostRevision
from tests.conftest import TEST_PASSWORD, AuthActions, csrf_token, post_form
from tests.test_site_pages import page_data
from tests.test_unsaved import TYPED, body_in, expire, kept_fields, log_in_with


def test_saving_a_page_keeps_its_previous_version(app, client, auth, make_page):
    page_id = make_page("About", body="First words.")
    auth.login()
    edit = f"/admin/pages/{page_id}/edit"
    assert post_form(client, edit, page_data(body="Second words.")).status_code == 302
    with app.app_context():
        kept = db.session.scalars(sa.select(PostRevision.body)).all()
    assert kept == ["First words."]
    history = client.get(f"/admin/posts/{page_id}/revisions").get_data(as_text=True)
    assert "First" in history and "Second" in history
    assert f'href="/admin/posts/{page_id}/revisions"' in client.get(edit).get_data(as_text=True)


def test_restoring_a_pages_revision_brings_back_its_words(app, client, auth, make_page):
    page_id = make_page("About", body="First words.")
    auth.login()
    post_form(client, f"/admin/pages/{page_id}/edit", page_data(body="Second words."))
    with app.app_context():
        revision_id = db.session.scalar(sa.select(PostRevision.id))
    token = csrf_token(client.get(f"/admin/posts/{page_id}/revisions"))
    restore = f"/admin/posts/{page_id}/revisions/{revision_id}/restore"
    response = client.post(restore, data={"csrf_token": token}, follow_redirects=True)
    assert response.request.path == f"/admin/pages/{page_id}/edit"
    with app.app_context():
        assert db.session.get(Post, page_id).body == "First words."


def save_page_after_expiry(client, url: str):
    token = csrf_token(client.get(url))
    expire(client)
    return client.post(url, data={"csrf_token": token, **page_data(title="Long", body=TYPED)})


def test_a_pages_text_sent_after_the_session_ended_comes_back(app, client, auth, make_page):
    page_id = make_page("About", body="old words")
    auth.login()
    response = save_page_after_expiry(client, f"/admin/pages/{page_id}/edit")
    assert response.status_code == 401
    assert kept_fields(response.get_data(as_text=True))["kept-body"] == TYPED
    with app.app_context():
        assert db.session.get(Post, page_id).body == "old words"  # nothing written yet
    back = log_in_with(client, response.get_data(as_text=True))
    assert re.fullmatch(rf"/admin/pages/{page_id}/edit\?autosave=\d+", back.headers["Location"])
    editor = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Your unsaved text is back in the editor." in editor
    assert body_in(editor) == TYPED


def test_the_pages_text_back_is_announced_in_the_authors_language(client, auth, make_page):
    page_id = make_page("About", body="old words")
    auth.login()
    response = save_page_after_expiry(client, f"/admin/pages/{page_id}/edit")
    back = log_in_with(client, response.get_data(as_text=True))
    russian = {"Accept-Language": "ru"}
    editor = client.get(back.headers["Location"], headers=russian).get_data(as_text=True)
    assert "Несохранённый текст снова в редакторе." in editor


def test_a_new_pages_text_comes_back_in_the_new_page_editor(client, auth):
    auth.login()
    response = save_page_after_expiry(client, "/admin/pages/new")
    back = log_in_with(client, response.get_data(as_text=True))
    assert re.fullmatch(r"/admin/pages/new\?autosave=\d+", back.headers["Location"])
    assert body_in(client.get(back.headers["Location"]).get_data(as_text=True)) == TYPED


def test_text_for_another_authors_page_starts_a_new_page(app, world):
    """Logged in again as one who may not edit that page: the text starts a new one."""
    page_id = world["theirs"]["page"]
    other = app.test_client()
    AuthActions(other).login("other")
    response = save_page_after_expiry(other, f"/admin/pages/{page_id}/edit")
    data = {**kept_fields(response.get_data(as_text=True)), "username": "writer",
            "password": TEST_PASSWORD}  # fmt: skip
    back = other.post("/login", data=data)
    assert re.fullmatch(r"/admin/pages/new\?autosave=\d+", back.headers["Location"])
