"""/admin/users: adding authors (password or one-time link), roles, disabling, removing."""

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.extensions import db
from blog.mail.models import OutboxMessage
from blog.models import Post, Role, User, UserStatus, utcnow
from blog.users import accounts
from tests.conftest import (
    TEST_PASSWORD,
    AuthActions,
    app_config,
    csrf_token,
    empty_database,
    post_form,
)

NEW_AUTHOR = {
    "username": "bea",
    "display_name": "Bea Writer",
    "email": "bea@example.com",
    "role": "author",
    "password_method": "password",
    "password": TEST_PASSWORD,
    "confirm_password": TEST_PASSWORD,
}
SETUP_LINK = re.compile(r"<code>(http://localhost/account/setup/([^<]+))</code>")


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def user_named(app, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def add_user(admin, **changes):
    return post_form(admin, "/admin/users/new", {**NEW_AUTHOR, **changes})


def test_the_list_shows_every_user_with_role(admin):
    html = admin.get("/admin/users/").get_data(as_text=True)
    assert "Ada Author" in html and "Administrator" in html


def test_an_author_added_with_a_password_logs_in_as_an_author(app, admin):
    assert add_user(admin).status_code == 302
    assert user_named(app, "bea").role == Role.AUTHOR
    other = app.test_client()
    AuthActions(other).login("bea")
    assert other.get("/admin/").status_code == 200
    assert other.get("/admin/settings").status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirm_password": "something else entirely"}, "The two passwords differ."),
        ({"password": "short", "confirm_password": "short"}, "at least 12 characters"),
        ({"password": "", "confirm_password": ""}, "Type the password, or choose the setup link."),
        ({"username": "author"}, "Another user already has this username."),
        ({"username": "two words"}, "no spaces"),
        ({"email": "not an address"}, "Invalid email address."),
        ({"role": "emperor"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_the_text_kept(app, admin, changes, message):
    response = add_user(admin, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="Bea Writer"' in html
    assert (
        user_named(app, changes.get("username", "bea")) is None
        or changes.get("username") == "author"
    )


def test_missing_csrf_token_keeps_the_text_and_adds_nobody(app, admin):
    response = admin.post("/admin/users/new", data=NEW_AUTHOR)
    assert response.status_code == 422
    assert 'value="Bea Writer"' in response.get_data(as_text=True)
    assert user_named(app, "bea") is None


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def setup_link(admin, **changes) -> tuple[str, str]:
    response = add_user(admin, password_method="link", password="", confirm_password="", **changes)
    assert response.status_code == 200
    match = SETUP_LINK.search(response.get_data(as_text=True))
    assert match, "the link is shown on screen"
    return match.group(1), match.group(2)


def test_the_setup_link_works_once(app, admin):
    link, token = setup_link(admin)
    user = user_named(app, "bea")
    assert user.password_hash is None
    assert user.setup_token_hash == accounts.token_hash(token) != token  # only the hash is kept
    newcomer = app.test_client()
    response = post_form(
        newcomer, link, {"password": TEST_PASSWORD, "confirm_password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    AuthActions(newcomer).login("bea")
    assert newcomer.get("/admin/").status_code == 200
    assert app.test_client().get(link).status_code == 404  # used: gone
    assert user_named(app, "bea").setup_token_hash is None


def test_the_setup_form_refuses_differing_passwords(app, admin):
    link, _ = setup_link(admin)
    newcomer = app.test_client()
    response = post_form(newcomer, link, {"password": TEST_PASSWORD, "confirm_password": "nope"})
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert newcomer.get(link).status_code == 200  # still usable


def test_the_setup_link_expires_after_48_hours(app, admin, monkeypatch):
    link, _ = setup_link(admin)
    now = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: now + timedelta(hours=47))
    assert app.test_client().get(link).status_code == 200
    monkeypatch.setattr(accounts, "utcnow", lambda: now + timedelta(hours=48, minutes=1))
    response = app.test_client().get(link)
    assert response.status_code == 404
    assert "works once, for 48 hours" in response.get_data(as_text=True)


def test_a_made_up_token_is_a_404(client):
    assert client.get("/account/setup/" + "x" * 43).status_code == 404
    assert client.get("/account/setup/" + "x" * 500).status_code == 404


def test_the_setup_link_is_mailed_when_mail_is_on(database_url):
    app = create_app(app_config(database_url, MAIL_SERVER="smtp://127.0.0.1:2525",
                                MAIL_FROM="blog@example.com"))  # fmt: skip
    try:
        with app.app_context():
            owner = User(username="owner", display_name="Owner", role=Role.ADMINISTRATOR)
            owner.set_password(TEST_PASSWORD)
            db.session.add(owner)
            db.session.commit()
        client = app.test_client()
        AuthActions(client).login("owner")
        response = add_user(client, password_method="link", password="", confirm_password="")
        html = response.get_data(as_text=True)
        assert "It is also on its way to bea@example.com." in html
        with app.app_context():
            mail = db.session.scalar(sa.select(OutboxMessage))
            assert mail.recipient == "bea@example.com"
            assert SETUP_LINK.search(html).group(1) in mail.draft
    finally:
        empty_database(app)


def test_without_mail_the_screen_says_the_link_was_not_mailed(admin):
    response = add_user(admin, password_method="link", password="", confirm_password="")
    assert "It was not mailed: mail is off." in response.get_data(as_text=True)


def manage(admin, user_id: int, action: str, **data):
    token = csrf_token(admin.get(f"/admin/users/{user_id}"))
    return admin.post(f"/admin/users/{user_id}/{action}", data={"csrf_token": token, **data})


def test_the_last_administrator_cannot_be_demoted_disabled_or_removed(app, admin, author):
    for action, data in (
        ("role", {"role": "author"}),
        ("disable", {}),
        ("remove", {"posts": "keep"}),
    ):
        response = manage(admin, author, action, **data)
        assert response.status_code == 422, action
        assert "the last administrator" in response.get_data(as_text=True)
    user = user_named(app, "author")
    assert (user.role, user.status) == (Role.ADMINISTRATOR, UserStatus.ACTIVE)


def test_an_author_is_promoted_and_then_the_first_may_step_down(app, admin, author):
    add_user(admin)
    bea = user_named(app, "bea").id
    assert manage(admin, bea, "role", role="administrator").status_code == 302
    assert manage(admin, author, "role", role="author").status_code == 302
    assert user_named(app, "author").role == Role.AUTHOR
    assert admin.get("/admin/users/").status_code == 403  # no longer an administrator


def test_disabling_ends_every_session_and_every_login(app, admin):
    add_user(admin)
    bea_client = app.test_client()
    AuthActions(bea_client).login("bea")
    assert bea_client.get("/admin/").status_code == 200
    assert manage(admin, user_named(app, "bea").id, "disable").status_code == 302
    assert bea_client.get("/admin/").status_code == 302  # logged out
    AuthActions(bea_client).login("bea")
    assert bea_client.get("/admin/").status_code == 302  # cannot log in
    assert manage(admin, user_named(app, "bea").id, "enable").status_code == 302
    AuthActions(bea_client).login("bea")
    assert bea_client.get("/admin/").status_code == 200


def post_of(app, make_post, user_id: int) -> int:
    """A published post written by ``user_id``; its id."""
    post_id = make_post("Bea's post")
    with app.app_context():
        db.session.execute(sa.update(Post).where(Post.id == post_id).values(author_id=user_id))
        db.session.commit()
    return post_id


def test_removing_with_reassignment_gives_the_posts_away(app, admin, author, make_post):
    add_user(admin)
    bea = user_named(app, "bea").id
    post_id = post_of(app, make_post, bea)
    response = manage(admin, bea, "remove", posts="reassign", heir=author)
    assert response.status_code == 302
    assert user_named(app, "bea") is None
    with app.app_context():
        assert db.session.get(Post, post_id).author_id == author


def test_removing_and_keeping_leaves_the_name_on_the_posts(app, admin, make_post):
    add_user(admin)
    bea = user_named(app, "bea").id
    post_id = post_of(app, make_post, bea)
    assert manage(admin, bea, "remove", posts="keep").status_code == 302
    user = user_named(app, "bea")
    assert (user.status, user.password_hash, user.email) == (UserStatus.REMOVED, None, "")
    with app.app_context():
        assert db.session.get(Post, post_id).author_id == bea
    assert "Removed (posts kept)" in admin.get("/admin/users/").get_data(as_text=True)
    assert admin.get(f"/admin/users/{bea}").status_code == 404  # nothing more to do to it
    other = app.test_client()
    AuthActions(other).login("bea", TEST_PASSWORD)
    assert other.get("/admin/").status_code == 302


def test_reassigning_needs_someone_to_give_them_to(app, admin):
    add_user(admin)
    bea = user_named(app, "bea").id
    response = manage(admin, bea, "remove", posts="reassign", heir="999999")
    assert response.status_code == 422
    assert "Choose who gets their posts" in response.get_data(as_text=True)
    assert user_named(app, "bea") is not None


def test_user_actions_without_a_csrf_token_change_nothing(app, admin, author):
    add_user(admin)
    bea = user_named(app, "bea").id
    assert admin.post(f"/admin/users/{bea}/disable").status_code == 400
    assert admin.post(f"/admin/users/{bea}/role", data={"role": "administrator"}).status_code == 422
    user = user_named(app, "bea")
    assert (user.role, user.status) == (Role.AUTHOR, UserStatus.ACTIVE)


def test_a_new_setup_link_replaces_the_old_one(app, admin):
    old_link, _ = setup_link(admin)
    bea = user_named(app, "bea").id
    response = manage(admin, bea, "setup-link")
    assert response.status_code == 200
    new_link = SETUP_LINK.search(response.get_data(as_text=True)).group(1)
    assert new_link != old_link
    assert app.test_client().get(old_link).status_code == 404
    assert app.test_client().get(new_link).status_code == 200


def test_a_username_taken_between_the_check_and_the_save_is_a_message(app, admin, monkeypatch):
    from blog.users.forms import NewUserForm

    monkeypatch.setattr(NewUserForm, "validate_username", lambda form, field: None)
    add_user(admin)
    response = add_user(admin, display_name="Bea Twice")
    assert response.status_code == 422
    assert "Another user already has this username." in response.get_data(as_text=True)
    assert user_named(app, "bea").display_name == "Bea Writer"


def test_an_administrator_who_never_set_a_password_does_not_count(app, admin, author):
    """Stepping down in favour of a pending setup link could leave no one able to log in."""
    setup_link(admin, role="administrator")
    response = manage(admin, author, "role", role="author")
    assert response.status_code == 422
    assert "the last administrator" in response.get_data(as_text=True)
    assert user_named(app, "author").role == Role.ADMINISTRATOR


def test_two_administrators_disabling_each_other_at_once_leave_one(app, admin, monkeypatch):
    """Each request checks, then waits for the other's check: only one may get through."""
    add_user(admin, role="administrator")
    bea = app.test_client()
    AuthActions(bea).login("bea")
    ada_id, bea_id = user_named(app, "author").id, user_named(app, "bea").id
    both_checked = threading.Barrier(2, timeout=1)
    real_check = accounts.other_active_administrators

    def check_then_wait(user):
        count = real_check(user)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()  # a check that waits on the other's lock breaks it
        return count

    monkeypatch.setattr(accounts, "other_active_administrators", check_then_wait)
    with ThreadPoolExecutor(2) as pool:
        answers = pool.map(lambda pair: manage(*pair, "disable").status_code,
                           [(admin, bea_id), (bea, ada_id)])  # fmt: skip
        assert sorted(answers) == [302, 422]
    enabled = {user_named(app, name).status for name in ("author", "bea")}
    assert enabled == {UserStatus.ACTIVE, UserStatus.DISABLED}


def test_a_removed_users_session_never_opens_the_next_users_account(app, admin):
    """SQLite may give a new user the id of one removed: the old cookie must not be theirs."""
    add_user(admin)
    bea_browser = app.test_client()
    AuthActions(bea_browser).login("bea")
    assert manage(admin, user_named(app, "bea").id, "remove", posts="keep").status_code == 302
    assert user_named(app, "bea") is None  # no posts: deleted, not kept as removed
    add_user(admin, username="cleo", display_name="Cleo", role="administrator")
    assert bea_browser.get("/admin/users/").status_code == 302  # to the login, not Cleo's
