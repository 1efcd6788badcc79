"""Logging in and out, and where the login sends you."""

import pytest
import werkzeug.security

import blog.auth
import blog.models
from blog.auth import LOGIN_FAILED
from blog.extensions import db
from blog.models import User
from tests.conftest import csrf_token


def test_login_page_has_the_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html
    assert 'type="password"' in html and "Remember me" in html


def test_login_and_logout(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [("author", "wrong password!"), ("nobody", "correct horse battery staple")],
    ids=["wrong-password", "unknown-user"],
)
def test_failed_login_says_the_same_either_way(client, auth, username, password):
    response = auth.login(username, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert LOGIN_FAILED in html
    assert f'value="{username}"' in html
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("username", ["author", "imported", "nobody"])
def test_every_failed_login_hashes_once_so_timing_tells_nothing(
    app, client, author, monkeypatch, username
):
    """Wrong password, no password yet (an imported author), no such user: the same work."""
    with app.app_context():
        db.session.add(User(username="imported", display_name="Imported", password_hash=None))
        db.session.commit()
    hashed = []

    def counting(stored_hash: str, password: str) -> bool:
        hashed.append(password)
        return werkzeug.security.check_password_hash(stored_hash, password)

    monkeypatch.setattr(blog.auth, "check_password_hash", counting)
    monkeypatch.setattr(blog.models, "check_password_hash", counting)
    data = {"csrf_token": csrf_token(client.get("/login")), "username": username,
            "password": "wrong password!"}  # fmt: skip
    assert LOGIN_FAILED in client.post("/login", data=data).get_data(as_text=True)
    assert hashed == ["wrong password!"]


def test_admin_redirects_to_login_and_back(client, auth):
    response = client.get("/admin/posts/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Fposts%2Fnew"
    response = auth.login(next_url="/admin/posts/new")
    assert response.headers["Location"] == "/admin/posts/new"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_never_redirects_off_site(auth, target):
    response = auth.login(next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize(
    "target",
    ["/%0D%0ASet-Cookie:%20admin=1", "/admin/%0A", "/a%00b", "/%09/evil.example", "/a%7Fb",
     "/a%C2%85b", "/a%E2%80%A8b", "/%E2%80%AEnimda"],
)  # fmt: skip
def test_a_next_with_control_characters_goes_to_the_dashboard(client, auth, target):
    response = auth.login(next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    response = client.get(f"/login?next={target}")  # already logged in
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert "admin=1" not in response.headers.get("Set-Cookie", "")


def test_login_without_csrf_token_is_refused(client, author):
    response = client.post(
        "/login", data={"username": "author", "password": "correct horse battery staple"}
    )
    assert "Your session expired, please submit again." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_logout_is_post_only_and_needs_a_token(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 200
    token = csrf_token(client.get("/"))
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/admin/").status_code == 302


def test_logged_in_visitor_on_login_page_goes_to_dashboard(client, auth):
    auth.login()
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_remember_me_sets_a_cookie(client, auth):
    token = csrf_token(client.get("/login"))
    client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "author",
            "password": "correct horse battery staple",
            "remember_me": "y",
        },
    )
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only


def test_passwords_are_hashed_with_scrypt_unless_configured(database_url):
    from blog import create_app
    from tests.conftest import app_config

    config = app_config(database_url)
    del config["PASSWORD_HASH_METHOD"]
    with create_app(config).app_context():
        user = User(username="someone", display_name="Someone")
        user.set_password("a long enough password")
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a long enough password")
