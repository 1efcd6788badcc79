"""Arbitrary text into every public form: never a 5xx, never lost, never half-stored."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from blog.extensions import db
from blog.models import Comment
from blog.text import clean_text
from tests.conftest import form_tokens, permalink

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(max_size=300)


@pytest.fixture
def open_post(app, client, make_post):
    post_id = make_post("Open for anything", slug="open-for-anything")
    return post_id, permalink(client, "Open for anything")


def stored_bodies(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Comment.body).order_by(Comment.id)))


@EXAMPLES
@given(
    comment=any_text,
    # Mostly valid details, so the arbitrary comment text often gets stored.
    author=st.one_of(st.just("Rita"), any_text),
    email=st.one_of(st.just("rita@example.com"), any_text),
    url=st.one_of(st.just(""), st.just("https://rita.example/"), any_text),
)
def test_comment_form_takes_any_text(app, client, open_post, comment, author, email, url):
    post_id, page_url = open_post
    before = stored_bodies(app)
    hidden = form_tokens(client.get(page_url).get_data(as_text=True))
    response = client.post(
        f"/posts/{post_id}/comments",
        data={**hidden, "comment": comment, "author": author, "email": email, "url": url},
    )
    assert response.status_code < 500
    after = stored_bodies(app)
    event(f"status {response.status_code}")  # see --hypothesis-show-statistics
    if response.status_code == 303:
        assert after == [*before, clean_text(comment)]  # stored exactly, once
    else:
        assert response.status_code == 422
        assert after == before  # nothing half-written
        html = response.get_data(as_text=True)
        assert 'role="alert"' in html  # an error is shown…
        assert str(escape(clean_text(comment))) in html  # …and the comment is kept


@EXAMPLES
@given(username=any_text, password=any_text)
def test_login_form_takes_any_text(client, author, username, password):
    page = client.get("/login").get_data(as_text=True)
    token = form_tokens(page)["csrf_token"]
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )
    assert response.status_code in (200, 429)
    assert client.get("/admin/").status_code == 302


@EXAMPLES
@given(query=any_text, page=st.one_of(st.none(), any_text))
def test_search_takes_any_text(client, query, page):
    params = {"q": query} if page is None else {"q": query, "page": page}
    assert client.get("/search", query_string=params).status_code in (200, 404)
