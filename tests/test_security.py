"""Headers, cookies, proxies and production settings."""

import runpy

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.config import ConfigurationError
from blog.extensions import db
from blog.models import Comment
from tests.conftest import TEST_PASSWORD, app_config, csrf_token, permalink, post_form
from tests.live_server import ROOT
from tests.test_routes import urls_for

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(response, url):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), url
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (url, name)


def test_every_route_sends_the_security_headers(app, client, auth, make_post):
    make_post("Sample", slug="sample", tags=["Sample"])
    urls = [*urls_for(app, "GET"), "/no/such/page", "/2026/01/none/"]
    for logged_in in (False, True):
        if logged_in:
            auth.login()
        for url in urls:
            response = client.get(url)
            assert_security_headers(response, url)
            assert "Strict-Transport-Security" not in response.headers
            response.close()
    assert_security_headers(client.delete("/"), "DELETE /")


def test_cookies_are_httponly_and_samesite(client, auth):
    response = post_form(
        client, "/login", {"username": "author", "password": TEST_PASSWORD, "remember_me": "y"}
    )
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
        assert "Secure" not in cookies[name]


def test_https_mode(database_url, author):
    app = create_app(app_config(database_url, HTTPS=True))
    client = app.test_client()
    base = {"base_url": "https://blog.example"}
    page = client.get("/login", **base)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "username": "author",
            "password": TEST_PASSWORD,
            "remember_me": "y",
        },
        **base,
    )
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    session_cookie = cookies["__Host-session"]
    assert "Secure" in session_cookie and "Path=/" in session_cookie
    assert "Domain" not in session_cookie
    assert "Secure" in cookies["remember_token"]
    assert client.get("/admin/", **base).status_code == 200


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "198.51.100.7")])
def test_client_address_behind_a_proxy(database_url, make_post, hops, expected):
    make_post("Proxied", slug="proxied")
    app = create_app(app_config(database_url, PROXY_FIX_HOPS=hops))
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "198.51.100.7"}
    url = permalink(client, "Proxied")
    token = csrf_token(client.get(url))
    with app.app_context():
        post_id = db.session.scalar(sa.text("SELECT id FROM posts"))
    client.post(
        f"/posts/{post_id}/comments",
        headers=forwarded,
        data={"csrf_token": token, "comment": "Hello", "author": "P", "email": "p@example.com"},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(Comment.author_ip)) == expected


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short"])
def test_production_refuses_a_missing_or_development_key(database_url, tmp_path, monkeypatch, key):
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError):
        create_app(app_config(database_url, PRODUCTION=True, SECRET_KEY=key))
    assert not (tmp_path / "secret_key").exists()


def test_production_starts_with_a_real_key(database_url):
    app = create_app(app_config(database_url, PRODUCTION=True, SECRET_KEY="x" * 64,
                                TRUSTED_HOSTS=["blog.example"]))  # fmt: skip
    assert app.config["SECRET_KEY"] == "x" * 64


def test_the_gunicorn_entry_point_never_runs_in_debug_mode(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BLOG_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BLOG_SERVING", raising=False)  # wsgi.py sets it; undone after
    app = runpy.run_path(str(ROOT / "wsgi.py"))["app"]
    assert app.debug is False

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Something went wrong" in response.get_data(as_text=True)
