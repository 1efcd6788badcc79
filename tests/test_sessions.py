"""The author's account: throttled logins, fresh sessions, sessions that really end."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog import auth as auth_module
from blog.extensions import db
from blog.models import LoginAttempt, User, utcnow
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD, csrf_token, post_form


def log_in(client, username="author", password=TEST_PASSWORD, **extra):
    return post_form(client, "/login", {"username": username, "password": password, **extra})


def session_cookie(client) -> str:
    return client.get_cookie("session").value


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    now = [utcnow()]
    monkeypatch.setattr(auth_module, "utcnow", lambda: now[0])

    def advance(**delta):
        now[0] += timedelta(**delta)

    return advance


def test_a_replayed_session_cookie_is_refused_after_logout(app, client, auth):
    auth.login()
    stolen = session_cookie(client)
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302


def test_a_replayed_remember_cookie_is_refused_after_logout(app, client, auth):
    log_in(client, remember_me="y")
    remember = client.get_cookie("remember_token").value
    auth.logout()
    assert client.get_cookie("remember_token") is None  # logout clears it
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/admin/").status_code == 302


def test_a_new_password_ends_every_session(app, client, auth, runner):
    auth.login()
    assert client.get("/admin/").status_code == 200
    result = runner.invoke(
        args=["set-password", "author", "--password-stdin"], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302


def test_login_starts_a_fresh_session(app, client, auth):
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as after:
        assert "planted" not in after
        assert "_user_id" in after


def test_idle_session_times_out(app, client, auth, clock):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.login()
    clock(minutes=29)
    assert client.get("/admin/").status_code == 200
    clock(minutes=29)  # 58 minutes since login, but only 29 idle
    assert client.get("/admin/").status_code == 200
    clock(minutes=31)
    response = client.get("/admin/", follow_redirects=True)
    assert "Your session has expired. Please log in again." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_absolute_session_timeout(app, client, auth, clock):
    app.config.update(SESSION_IDLE_MINUTES=60, SESSION_MAX_HOURS=2)
    auth.login()
    for _ in range(4):
        clock(minutes=50)
        client.get("/")
    assert client.get("/admin/").status_code == 302


def test_login_is_throttled_per_username(app, client, auth):
    for _ in range(5):
        assert auth.login(password="wrong password").status_code == 200
    response = auth.login()  # even the right password waits
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    assert "wait 15 minutes" in response.get_data(as_text=True)


def test_login_is_throttled_per_address(app, client, author):
    for number in range(5):
        log_in(client, username=f"guess{number}", password="wrong password")
    assert log_in(client).status_code == 429


def test_other_peoples_failures_never_slow_a_login(app, client, author):
    attacker = app.test_client()
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    token = csrf_token(attacker.get("/login", environ_base=elsewhere))
    for number in range(10):
        attacker.post(
            "/login",
            data={"csrf_token": token, "username": f"guess{number}", "password": "x" * 12},
            environ_base=elsewhere,
        )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 5  # then 429s
    response = log_in(client)
    assert response.status_code == 302


WRONG_PASSWORD = "wrong password"


def attempt_from(client, address: str, username="author", password=WRONG_PASSWORD, **headers):
    """A login POST from ``address`` (REMOTE_ADDR, as gunicorn sets it) with its own token."""
    token = csrf_token(client.get("/login", environ_base={"REMOTE_ADDR": address}))
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_the_author_logs_in_from_one_address_after_a_strangers_many_wrong_passwords(app, author):
    stranger = app.test_client()
    statuses = [attempt_from(stranger, "203.0.113.9").status_code for _ in range(20)]
    assert statuses == [200] * 5 + [429] * 15
    response = attempt_from(app.test_client(), "198.51.100.7", password=TEST_PASSWORD)
    assert response.status_code == 302 and response.location == "/admin/"


def test_addresses_that_failed_for_a_username_under_attack_get_no_more(app, client, author):
    for number in range(5):
        assert attempt_from(client, f"203.0.113.{number}").status_code == 200
    assert attempt_from(client, "203.0.113.50").status_code == 200  # a first try is checked
    assert attempt_from(client, "203.0.113.50").status_code == 429
    assert attempt_from(client, "203.0.113.51", username="editor").status_code == 200
    assert attempt_from(client, "198.51.100.7", password=TEST_PASSWORD).status_code == 302


def test_rotating_x_forwarded_for_does_not_dodge_the_address_limit(app, client, author):
    assert app.config["PROXY_FIX_HOPS"] == 0  # reached directly: the headers are not believed
    for number in range(5):
        response = attempt_from(client, "203.0.113.9", **{"X-Forwarded-For": f"10.0.0.{number}"})
        assert response.status_code == 200
    response = attempt_from(client, "203.0.113.9", **{"X-Forwarded-For": "10.0.0.99"})
    assert response.status_code == 429
    with app.app_context():
        addresses = set(db.session.scalars(sa.select(LoginAttempt.address)))
    assert addresses == {"203.0.113.9"}


def test_a_successful_login_is_not_counted_as_a_failure(app, client, auth):
    for _ in range(4):
        auth.login(password="wrong password")
    for _ in range(3):
        assert auth.login().status_code == 302
        auth.logout()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 4


def test_throttle_window_passes(app, client, auth, clock):
    for _ in range(5):
        auth.login(password="wrong password")
    assert auth.login().status_code == 429
    clock(minutes=16)
    assert auth.login().status_code == 302
    with app.app_context():  # old failures are cleaned up as new ones arrive
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 5


def test_password_and_dummy_hash_paths_both_hash(monkeypatch, client, author):
    calls = []
    real = auth_module.check_password_hash

    def spy(stored, given):
        calls.append(stored)
        return real(stored, given)

    monkeypatch.setattr(auth_module, "check_password_hash", spy)
    log_in(client, username="nobody", password="whatever password")
    assert len(calls) == 1 and calls[0].startswith(TEST_HASH_METHOD + "$")


def test_session_version_is_part_of_the_login_id(app, author):
    with app.app_context():
        user = db.session.get(User, author)
        assert user.get_id() == f"{author}:{user.session_version}"
        assert auth_module.load_user(user.get_id()) is user
        assert auth_module.load_user(f"{author}:999") is None
        assert auth_module.load_user(str(author)) is None
        assert auth_module.load_user("x:y") is None


def test_logout_needs_the_token(client, auth):
    auth.login()
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    assert client.get("/admin/").status_code == 302
