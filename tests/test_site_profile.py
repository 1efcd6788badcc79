"""The author's profile at /admin/profile: name, email, password; other sessions end."""

import sqlalchemy as sa

from blog.extensions import db
from blog.models import User
from tests.conftest import TEST_PASSWORD, AuthActions, post_form

NEW_PASSWORD = "a much longer new passphrase"


def profile_data(**overrides) -> dict:
    data = {"display_name": "Ada Lovelace", "email": "ada@example.org", "new_password": "",
            "confirm_password": "", "current_password": TEST_PASSWORD, "save": "Save"}  # fmt: skip
    return {**data, **overrides}


def stored_user(app) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "author"))
        db.session.expunge(user)
        return user


def test_the_profile_needs_a_login(client):
    response = client.get("/admin/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_name_and_email_change_with_the_current_password(app, client, auth, make_post):
    auth.login_through_session()
    assert 'value="Ada Author"' in client.get("/admin/profile").get_data(as_text=True)
    response = post_form(client, "/admin/profile", profile_data(), follow_redirects=True)
    assert "Profile saved." in response.get_data(as_text=True)
    user = stored_user(app)
    assert (user.display_name, user.email) == ("Ada Lovelace", "ada@example.org")
    make_post("By Ada")
    assert "Ada Lovelace" in app.test_client().get("/").get_data(as_text=True)


def test_a_wrong_or_missing_current_password_changes_nothing_and_keeps_the_text(app, client, auth):
    auth.login_through_session()
    for current, message in (("wrong password", "That is not your current password"),
                             ("", "Type your current password")):  # fmt: skip
        response = post_form(client, "/admin/profile", profile_data(current_password=current))
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and 'value="Ada Lovelace"' in html
    assert stored_user(app).display_name == "Ada Author"


def test_bad_new_passwords_are_refused(app, client, auth):
    auth.login_through_session()
    refused = [
        ("short", "short", "Please use at least 12 characters."),
        (NEW_PASSWORD, "something else", "The two new passwords differ."),
    ]
    for new, again, message in refused:
        data = profile_data(new_password=new, confirm_password=again)
        response = post_form(client, "/admin/profile", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert stored_user(app).check_password(TEST_PASSWORD)


def test_a_new_password_ends_every_other_session_but_this_one(app, client, auth):
    other = app.test_client()
    AuthActions(other).login()
    assert other.get("/admin/").status_code == 200
    auth.login_through_session()
    response = post_form(
        client,
        "/admin/profile",
        profile_data(new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD),
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # this session goes on
    assert other.get("/admin/").status_code == 302  # the other one has ended
    assert stored_user(app).check_password(NEW_PASSWORD)
    assert AuthActions(app.test_client()).login(password=NEW_PASSWORD).status_code == 302


def test_no_csrf_token_changes_nothing(app, client, auth):
    auth.login_through_session()
    response = client.post("/admin/profile", data=profile_data())
    assert response.status_code == 422
    assert stored_user(app).display_name == "Ada Author"
