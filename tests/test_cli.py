"""The operator's commands: create-user, set-password, init."""

import re

import pytest
import sqlalchemy as sa

from blog.cli import MIN_PASSWORD_LENGTH
from blog.extensions import db
from blog.models import Comment, Post, User
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD, AuthActions

NEW_PASSWORD = "a brand new passphrase"
PRINTED_PASSWORD = re.compile(r"with the password: (\S+)")


def users(app) -> list[User]:
    with app.app_context():
        return db.session.scalars(sa.select(User).order_by(User.id)).all()


def user_named(app, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


# --- create-user ------------------------------------------------------------


def test_create_user_with_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["create-user", "alice", "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created the author 'alice'" in result.output
    user = user_named(app, "alice")
    assert user is not None
    assert user.display_name == "alice"
    # Hashed with the configured method (scrypt outside the tests: test_auth).
    assert user.password_hash.startswith(TEST_HASH_METHOD + "$")
    assert user.check_password(TEST_PASSWORD)
    assert not user.check_password(TEST_PASSWORD + "\n")
    assert TEST_PASSWORD not in result.output


def test_create_user_password_from_stdin_keeps_inner_and_trailing_spaces(app, runner):
    password = " spaces  inside and after "
    result = runner.invoke(
        args=["create-user", "alice", "--password-stdin"], input=password + "\r\n"
    )
    assert result.exit_code == 0, result.output
    user = user_named(app, "alice")
    assert user.check_password(password)
    assert not user.check_password(password.strip())


def test_create_user_with_display_name(app, runner):
    result = runner.invoke(
        args=["create-user", "ada", "--display-name", "Ada Lovelace", "--password-stdin"],
        input=TEST_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = user_named(app, "ada")
    assert user.display_name == "Ada Lovelace"
    assert user.check_password(TEST_PASSWORD)


def test_create_user_strips_the_username(app, runner):
    result = runner.invoke(
        args=["create-user", "  bob  ", "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert [user.username for user in users(app)] == ["bob"]


def test_create_user_refuses_a_short_password(app, runner):
    short = "x" * (MIN_PASSWORD_LENGTH - 1)
    result = runner.invoke(args=["create-user", "alice", "--password-stdin"], input=short + "\n")
    assert result.exit_code != 0
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in result.output
    assert "Created" not in result.output
    assert users(app) == []


def test_create_user_refuses_an_empty_password(app, runner):
    result = runner.invoke(args=["create-user", "alice", "--password-stdin"], input="\n")
    assert result.exit_code != 0
    assert users(app) == []


def test_create_user_accepts_a_password_of_exactly_the_minimum_length(app, runner):
    password = "y" * MIN_PASSWORD_LENGTH
    assert MIN_PASSWORD_LENGTH == 12
    result = runner.invoke(args=["create-user", "alice", "--password-stdin"], input=password + "\n")
    assert result.exit_code == 0, result.output
    assert user_named(app, "alice").check_password(password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-user", "author", "--display-name", "Impostor"], "already exists"),
        (["set-password", "nobody"], "There is no user 'nobody'"),
    ],
    ids=["create-user-duplicate", "set-password-unknown-user"],
)
def test_refused_user_commands_leave_the_author_as_they_were(app, runner, author, args, message):
    result = runner.invoke(args=[*args, "--password-stdin"], input=NEW_PASSWORD + "\n")
    assert result.exit_code != 0
    assert message in result.output
    [user] = users(app)
    assert (user.id, user.username, user.display_name) == (author, "author", "Ada Author")
    assert user.check_password(TEST_PASSWORD)
    assert not user.check_password(NEW_PASSWORD)


def test_create_user_refuses_a_duplicate_username_after_stripping(app, runner, author):
    result = runner.invoke(
        args=["create-user", " author ", "--password-stdin"], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert len(users(app)) == 1


def test_create_user_refuses_bad_usernames(app, runner):
    for username in ["   ", "u" * 65]:
        result = runner.invoke(
            args=["create-user", username, "--password-stdin"],
            input=TEST_PASSWORD + "\n",
        )
        assert result.exit_code != 0, username
        assert "USERNAME" in result.output
    assert users(app) == []


def test_create_user_accepts_a_64_character_username(app, runner):
    username = "u" * 64
    result = runner.invoke(
        args=["create-user", username, "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert user_named(app, username) is not None


def test_create_user_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["create-user", "carol"], input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert "Repeat for confirmation" in result.output
    # The prompt hides what is typed.
    assert TEST_PASSWORD not in result.output
    assert user_named(app, "carol").check_password(TEST_PASSWORD)


def test_create_user_prompt_asks_again_when_the_confirmation_differs(app, runner):
    result = runner.invoke(
        args=["create-user", "carol"],
        input=f"{TEST_PASSWORD}\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    user = user_named(app, "carol")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)


def test_create_user_prompt_gives_up_when_the_confirmation_never_matches(app, runner):
    result = runner.invoke(
        args=["create-user", "carol"], input=f"{TEST_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code != 0
    assert users(app) == []


def test_create_user_prompt_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-user", "carol"], input="short\nshort\n")
    assert result.exit_code != 0
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in result.output
    assert users(app) == []


# --- set-password -----------------------------------------------------------


def test_set_password_from_stdin(app, runner, author):
    result = runner.invoke(
        args=["set-password", "author", "--password-stdin"], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Changed the password of 'author'" in result.output
    user = user_named(app, "author")
    assert user.id == author
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)
    assert user.display_name == "Ada Author"


def test_set_password_with_prompt(app, runner, author):
    result = runner.invoke(
        args=["set-password", "author"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    user = user_named(app, "author")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)


def test_set_password_refuses_a_short_password(app, runner, author):
    result = runner.invoke(args=["set-password", "author", "--password-stdin"], input="too short\n")
    assert result.exit_code != 0
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in result.output
    user = user_named(app, "author")
    assert user.check_password(TEST_PASSWORD)
    assert not user.check_password("too short")


def test_set_password_only_changes_that_user(app, runner, author):
    runner.invoke(args=["create-user", "other", "--password-stdin"], input=TEST_PASSWORD + "\n")
    result = runner.invoke(
        args=["set-password", "other", "--password-stdin"], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert user_named(app, "author").check_password(TEST_PASSWORD)
    assert user_named(app, "other").check_password(NEW_PASSWORD)


# --- init -------------------------------------------------------------------


def test_init_creates_admin_and_prints_its_password_once(app, runner):
    assert users(app) == []
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "The database is ready." in result.output
    passwords = PRINTED_PASSWORD.findall(result.output)
    assert len(passwords) == 1
    [password] = passwords
    assert len(password) >= MIN_PASSWORD_LENGTH
    # The password goes to stderr, away from anything that logs stdout.
    assert password in result.stderr
    assert password not in result.stdout

    [admin] = users(app)
    assert admin.username == "admin"
    assert admin.password_hash.startswith(TEST_HASH_METHOD + "$")
    assert admin.check_password(password)
    assert not admin.check_password(password + "x")
    assert password not in admin.password_hash


def test_init_a_second_time_creates_no_one_and_prints_no_password(app, runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    [password] = PRINTED_PASSWORD.findall(first.output)
    [admin] = users(app)

    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "The database is ready." in second.output
    assert PRINTED_PASSWORD.search(second.output) is None
    assert "password" not in second.output.lower()
    assert password not in second.output

    [still_admin] = users(app)
    assert still_admin.id == admin.id
    assert still_admin.password_hash == admin.password_hash
    assert still_admin.check_password(password)


def test_init_does_not_create_admin_when_an_author_exists(app, runner, author):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "The database is ready." in result.output
    assert PRINTED_PASSWORD.search(result.output) is None
    assert [user.username for user in users(app)] == ["author"]


def test_init_passwords_differ_between_sites(app, runner):
    first = runner.invoke(args=["init"])
    [first_password] = PRINTED_PASSWORD.findall(first.output)
    with app.app_context():
        db.session.execute(sa.delete(User))
        db.session.commit()
    second = runner.invoke(args=["init"])
    [second_password] = PRINTED_PASSWORD.findall(second.output)
    assert first_password != second_password
    [admin] = users(app)
    assert admin.check_password(second_password)
    assert not admin.check_password(first_password)


def test_printed_admin_password_logs_in(app, runner, client):
    result = runner.invoke(args=["init"])
    [password] = PRINTED_PASSWORD.findall(result.output)
    assert "/login" in result.output

    response = AuthActions(client).login(username="admin", password=password)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200

    # Anything else does not.
    other = app.test_client()
    failed = AuthActions(other).login(username="admin", password=password + "x")
    assert failed.status_code == 200
    assert other.get("/admin/").status_code == 302


def test_rerender_sanitizes_stored_html_again(app, runner, make_post):
    post_id = make_post("Old render", body="Hello **there**")
    with app.app_context():
        comment = Comment(post_id=post_id, author_name="R", body="hi <b>you</b>", status="approved")
        db.session.add(comment)
        db.session.commit()
        # Pretend both were stored by an older, laxer sanitizer.
        db.session.execute(sa.update(Post).values(body_html="<p onclick='x()'>stale</p>"))
        db.session.execute(sa.update(Comment).values(body_html="<script>stale()</script>"))
        db.session.commit()
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    assert "Rendered 1 posts and 1 comments again." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Post.body_html)).strip() == (
            "<p>Hello <strong>there</strong></p>"
        )
        assert db.session.scalar(sa.select(Comment.body_html)).strip() == "<p>hi <b>you</b></p>"
