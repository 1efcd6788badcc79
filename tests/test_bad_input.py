"""Bad input, everywhere: a clear error or a 404, never a 500 or a stack trace."""

import io

import pytest
import sqlalchemy as sa
from markupsafe import escape

from blog.comments.forms import WebAddress
from blog.extensions import db
from blog.forms import FILE_REFUSED
from blog.models import Comment, CommentStatus
from tests.conftest import TEST_PASSWORD, form_tokens, permalink, table_rows


@pytest.fixture
def post(client, make_post):
    post_id = make_post("Target", slug="target", tags=["Target"])
    return post_id, permalink(client, "Target")


def comment_form(client, url: str) -> dict:
    return form_tokens(client.get(url).get_data(as_text=True))


def assert_friendly(response, *codes):
    assert response.status_code in codes, response.status_code
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "werkzeug" not in html.lower()
    if response.status_code >= 400:
        assert 'class="site-header"' in html  # the site's layout


@pytest.mark.parametrize(
    "query",
    ["?page=-1", "?page=99999999999999999999", "?page=abc", "?page=%00", "?page=1e3",
     "?cpage=-5", "?replytocom=abc", "?replytocom=99999999999999999999999", "?q=%ff%fe"],
)  # fmt: skip
@pytest.mark.parametrize("where", ["/", "post", "/tag/target/", "/search"])
def test_absurd_query_strings(client, post, where, query):
    url = post[1] if where == "post" else where
    assert_friendly(client.get(url + query), 200, 404)


@pytest.mark.parametrize(
    "path",
    ["/tag/%ff%fe/", "/tag/%00/", "/2026/13/x/", "/9999/99/", "/2026/01/%ff/",
     "/comments/0/", "/comments/99999999999999999999/", "/comments/2147483648/",
     "/admin/posts/99999999999999999999/edit", "/posts/1/comments", "/" + "a" * 5000,
     "/%2e%2e/%2e%2e/etc/passwd", "/9999/", "/9999/12/", "/0000/", "/0001/01/"],
)  # fmt: skip
def test_odd_paths(client, path):
    assert_friendly(client.get(path), 404, 405)


def test_invalid_utf8_and_nul_in_a_comment(app, client, post):
    post_id, url = post
    hidden = comment_form(client, url)
    body = b"&".join(
        [f"{key}={value}".encode() for key, value in hidden.items()]
        + [b"comment=caf%E9%00%FF%FEok", b"author=N%00ame", b"email=n%40example.com"]
    )
    response = client.post(f"/posts/{post_id}/comments", data=body,
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert_friendly(response, 303, 422)
    with app.app_context():
        for stored in db.session.scalars(sa.select(Comment.body)):
            assert "\x00" not in stored


def test_a_hundred_thousand_characters(client, post):
    post_id, url = post
    response = client.post(f"/posts/{post_id}/comments", data={
        **comment_form(client, url), "comment": "x" * 100_000, "author": "a" * 100_000,
        "email": "e" * 100_000, "url": "https://" + "u" * 100_000})  # fmt: skip
    assert_friendly(response, 422)
    html = response.get_data(as_text=True)
    assert "Please keep your comment under 10,000 characters." in html


def test_header_injection_in_form_values_stays_in_the_body(client, post):
    post_id, url = post
    response = client.post(f"/posts/{post_id}/comments", data={
        **comment_form(client, url), "comment": "Hi", "save_details": "y",
        "author": "Eve\r\nSet-Cookie: admin=1\r\nX-Injected: yes",
        "email": "eve@example.com",
        "url": "https://eve.example/\r\nLocation: //evil.example"})  # fmt: skip
    assert_friendly(response, 303, 422)
    assert "X-Injected" not in response.headers
    assert all("admin=1" not in cookie for cookie in response.headers.getlist("Set-Cookie")
               if not cookie.startswith("comment_author="))  # fmt: skip
    assert "evil.example" not in response.headers.get("Location", "")


def test_request_body_over_the_limit_gets_a_friendly_413(app, client, post):
    post_id, _ = post
    response = client.post(f"/posts/{post_id}/comments", data={"comment": "x" * 2_000_000})
    assert_friendly(response, 413)
    assert "too much to send at once" in response.get_data(as_text=True)


def stored_comment(app, post_id: int, **fields) -> int:
    with app.app_context():
        fields = {"author_name": "Ann", "body": "Hi", "status": CommentStatus.APPROVED, **fields}
        comment = Comment(post_id=post_id, **fields)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def form_to_fill(app, auth, post, form: str) -> tuple[str, str, dict]:
    """Where the form is shown, where it is sent, and a valid filling of it."""
    post_id, post_url = post
    if form == "login":
        return "/login", "/login", {"username": "author", "password": TEST_PASSWORD}
    if form == "comment":
        reader = {"comment": "Hi", "author": "Ann", "email": "ann@example.com", "url": ""}
        return post_url, f"/posts/{post_id}/comments", reader
    auth.login_through_session()
    if form == "post editor":
        post_fields = {
            "title": "T",
            "body": "B",
            "status": "draft",
            "published_at": "",
            "save": "Save",
        }
        return "/admin/posts/new", "/admin/posts/new", post_fields
    url = f"/admin/comments/{stored_comment(app, post_id)}/edit"
    return url, url, {"author_name": "Ann", "author_url": "", "comment": "Hi", "status": "approved"}


@pytest.mark.parametrize(
    ("form", "field"),
    [("login", "username"), ("login", "password"), ("comment", "comment"), ("comment", "author"),
     ("comment", "url"), ("post editor", "title"), ("post editor", "published_at"),
     ("post editor", "status"), ("comment editor", "author_url")],
)  # fmt: skip
def test_a_file_sent_in_a_text_field_is_refused_at_the_field(app, client, auth, post, form, field):
    shown_at, sent_to, data = form_to_fill(app, auth, post, form)
    tokens = form_tokens(client.get(shown_at).get_data(as_text=True))
    before = table_rows(app)
    stranger = (io.BytesIO(b"GIF89a, not text"), "stranger.gif")
    response = client.post(sent_to, data={**tokens, **data, field: stranger})
    assert_friendly(response, 200, 422)
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and FILE_REFUSED in html
    assert table_rows(app) == before


# Addresses urlsplit() raises ValueError on: an open bracket, a bracketed host that
# is no IP address, a netloc that NFKC-normalizes into URL syntax.
UNSPLITTABLE_URLS = ["http://[::1", "http://[nope]/", "https://example.com\uff03@evil.example/"]


@pytest.mark.parametrize("address", UNSPLITTABLE_URLS)
@pytest.mark.parametrize(("form", "field"), [("comment", "url"), ("comment editor", "author_url")])
def test_a_web_address_python_cannot_split_is_refused_with_the_text_kept(
    app, client, auth, post, form, field, address
):
    shown_at, sent_to, data = form_to_fill(app, auth, post, form)
    tokens = form_tokens(client.get(shown_at).get_data(as_text=True))
    before = table_rows(app)
    response = client.post(
        sent_to, data={**tokens, **data, "comment": "Kept words", field: address}
    )
    assert_friendly(response, 422)
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and WebAddress.message in html
    assert "Kept words" in html and f'value="{escape(address)}"' in html
    assert table_rows(app) == before


@pytest.mark.parametrize("address", UNSPLITTABLE_URLS)
def test_a_stored_web_address_python_cannot_split_shows_the_name_unlinked(
    app, client, post, address
):
    post_id, url = post
    stored_comment(app, post_id, author_name="Stored Ann", author_url=address)
    response = client.get(url)
    assert_friendly(response, 200)
    assert '<span class="fn">Stored Ann</span>' in response.get_data(as_text=True)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_every_error_page_uses_the_layout(app, client, code):
    from flask import abort

    app.testing = False

    @app.get(f"/fail/{code}")
    def fail():
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    response = client.get(f"/fail/{code}")
    assert response.status_code == code
    assert_friendly(response, code)
    assert "boom" not in response.get_data(as_text=True)
