"""Roles: every admin route walked as an author, against another author's things.

The classification below must name every endpoint under /admin: a route added
later without one fails ``test_every_admin_route_is_classified``, so nobody
can add a screen and forget to decide who may use it.
"""

import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from blog import create_app, roles
from blog.extensions import db
from blog.models import (
    Comment,
    CommentStatus,
    Post,
    Role,
    User,
)
from tests.conftest import TEST_PASSWORD, app_config, csrf_token, permalink, table_rows
from tests.databases import scratch_database

# Whole screens for administrators: an author gets 403.
ADMINISTRATORS_ONLY = {
    "site.edit_settings",
    "site.edit_menu",
    "site.move_menu_item",
    "site.remove_menu_item",
    "site.rename_menu_item",
    "mail_admin.outbox_page",
    "users.list_users",
    "users.new_user",
    "users.manage_user",
    "users.change_role",
    "users.disable_user",
    "users.enable_user",
    "users.new_setup_link",
    "users.remove_user",
}
# One object each: an author's own works, another author's is a 404.
OWN_OBJECTS_ONLY = {
    "admin.edit_post",
    "admin.delete_post",
    "admin.revisions",
    "admin.restore_revision",
    "admin.autosave",
    "admin.moderate",
    "admin.edit_comment",
    "admin.reply_to_comment",
    "admin.media_alt",
    "admin.delete_media",
    "mail_admin.review",
    "site.edit_page",
    "site.delete_page",
}
# Open to authors: lists filtered to their own things, or making new ones.
OPEN_TO_AUTHORS = {
    "admin.dashboard",
    "admin.comments",
    "admin.bulk_moderate",  # checks each id
    "admin.media",
    "admin.insert_media",  # a redirect to an editor, which checks the post
    "admin.upload_media",
    "admin.new_post",
    "admin.autosave_new",
    "site.list_pages",
    "site.new_page",
    "site.profile",
}
# What a POST sends to every route: enough that a route without its guard
# would change something (publish, rename, promote, delete…).
HOSTILE_FORM = {
    "title": "Taken over",
    "body": "Taken over",
    "status": "published",
    "publish": "Publish",
    "comment": "Taken over",
    "author_name": "Taken over",
    "label": "Taken over",
    "direction": "up",
    "site_title": "Taken over",
    "role": Role.ADMINISTRATOR.value,
    "posts": "keep",
    "display_name": "Taken over",
}
# Rows the walk must leave as they were (an author's own autosave may be added).
WATCHED_TABLES = ("posts", "comments", "media_items", "menu_items", "users", "site_settings")


def admin_endpoints(app) -> dict[str, list]:
    rules: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule == "/admin" or rule.rule.startswith("/admin/"):
            rules.setdefault(rule.endpoint, []).append(rule)
    return rules


def url_for_rule(app, rule, world, owner: str) -> str:
    """The rule's address, pointing at ``owner``'s things ("mine" or "theirs")."""
    things = world[owner]
    values = {
        "post_id": things["post"],
        "page_id": things["page"],
        "comment_id": things["comment"],
        "revision_id": things["revision"],
        # An author promoting, enabling or removing themselves is the attack to stop.
        "user_id": world["writer"],
        "item_id": world["menu"] if "menu" in rule.endpoint else things["media"],
        "action": "trash",
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def watched(app) -> dict:
    return {name: rows for name, rows in table_rows(app).items() if name in WATCHED_TABLES}


def walk(client, app, rule, world, owner: str) -> list[int]:
    """GET and POST (as the rule allows) the rule's address; the status codes."""
    url = url_for_rule(app, rule, world, owner)
    token = csrf_token(client.get("/admin/profile"))
    form = {**HOSTILE_FORM, "csrf_token": token, "ids": [world[owner]["comment"]],
            "action": "trash", f"media-{world[owner]['media']}-alt": "Taken over"}  # fmt: skip
    codes = []
    if "GET" in rule.methods:
        codes.append(client.get(url).status_code)
    if "POST" in rule.methods:
        codes.append(client.post(url, data=form).status_code)
    return codes


def test_every_admin_route_is_classified(app):
    classified = ADMINISTRATORS_ONLY | OWN_OBJECTS_ONLY | OPEN_TO_AUTHORS
    found = set(admin_endpoints(app))
    assert found - classified == set(), "classify these routes in tests/test_roles.py"
    assert classified - found == set(), "these routes are gone: drop them here"
    assert not ADMINISTRATORS_ONLY & OWN_OBJECTS_ONLY & OPEN_TO_AUTHORS


# An administrators' screen is forbidden (403); another author's thing is not there (404).
REFUSALS = [(endpoint, 403) for endpoint in sorted(ADMINISTRATORS_ONLY)] + [
    (endpoint, 404) for endpoint in sorted(OWN_OBJECTS_ONLY)
]


@pytest.mark.parametrize(("endpoint", "refused_with"), REFUSALS)
def test_an_author_is_refused_and_nothing_changes(app, writer, world, endpoint, refused_with):
    before = watched(app)
    for rule in admin_endpoints(app)[endpoint]:
        assert set(walk(writer, app, rule, world, "theirs")) == {refused_with}
    assert watched(app) == before


@pytest.mark.parametrize("endpoint", sorted(OPEN_TO_AUTHORS))
def test_open_routes_change_nothing_of_another_author(app, writer, world, endpoint):
    """Given another's ids, a route open to authors refuses quietly: nothing of theirs changes."""
    before = watched(app)
    for rule in admin_endpoints(app)[endpoint]:
        codes = walk(writer, app, rule, world, "theirs")
        assert all(code < 500 for code in codes), codes
    after = watched(app)
    # The only change allowed: none of the other author's rows, none of the site's.
    assert after["posts"][: len(before["posts"])] == before["posts"]
    for table in ("comments", "media_items", "menu_items", "users", "site_settings"):
        assert after[table] == before[table], table


@pytest.mark.parametrize("endpoint", sorted(OWN_OBJECTS_ONLY))
def test_an_author_may_use_every_route_on_their_own_things(app, writer, world, endpoint):
    for rule in admin_endpoints(app)[endpoint]:
        codes = walk(writer, app, rule, world, "mine")
        assert not {403, 404} & set(codes), codes
        assert all(code < 500 for code in codes), codes


def test_an_author_changes_their_own_post_and_moderates_their_own_comment(app, writer, world):
    mine = world["mine"]
    token = csrf_token(writer.get(f"/admin/posts/{mine['post']}/edit"))
    form = {"csrf_token": token, "title": "Mine, edited", "body": "New words.", "publish": "Update"}
    edited = writer.post(f"/admin/posts/{mine['post']}/edit", data=form)
    assert edited.status_code == 302
    writer.post(f"/admin/comments/{mine['comment']}/approve", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Post, mine["post"]).title == "Mine, edited"
        assert db.session.get(Comment, mine["comment"]).status == CommentStatus.APPROVED


def test_bulk_moderation_checks_each_id(app, writer, world):
    token = csrf_token(writer.get("/admin/comments"))
    ids = [world["mine"]["comment"], world["theirs"]["comment"]]
    writer.post("/admin/comments/bulk", data={"csrf_token": token, "action": "spam", "ids": ids})
    with app.app_context():
        assert db.session.get(Comment, ids[0]).status == CommentStatus.SPAM
        assert db.session.get(Comment, ids[1]).status == CommentStatus.PENDING


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/comments", "/admin/pages", "/admin/media", "/admin/posts/new"]
)
def test_an_authors_lists_show_only_their_own_things(writer, url):
    html = writer.get(url).get_data(as_text=True)
    assert "theirs" not in html
    assert "Settings</a>" not in html and "Users</a>" not in html


def test_the_nav_counts_only_the_authors_held_comments(writer):
    html = writer.get("/admin/comments").get_data(as_text=True)
    assert "(1 pending)" in html


def test_the_administrator_sees_everything(client, auth, world):
    auth.login()
    html = client.get("/admin/comments").get_data(as_text=True)
    assert "(2 pending)" in html
    assert "theirs post" in client.get("/admin/").get_data(as_text=True)
    assert "Settings</a>" in html and "Users</a>" in html


def test_edit_links_on_public_pages_follow_the_policy(app, writer, world):
    with app.app_context():
        own, other = (db.session.get(Post, world[who]["post"]) for who in ("mine", "theirs"))
        writer_user = db.session.get(User, world["writer"])
        writer_user.is_authenticated  # noqa: B018  (a plain attribute, no query)
        assert roles.may_edit(writer_user, own) and not roles.may_edit(writer_user, other)
    theirs = writer.get("/theirs-post/", follow_redirects=True).get_data(as_text=True)
    edit_link = f"/admin/posts/{world['theirs']['post']}/edit"
    assert edit_link not in theirs


def test_create_user_makes_an_administrator_unless_told(app, runner):
    runner.invoke(args=["create-user", "boss", "--password-stdin"], input=TEST_PASSWORD + "\n")
    result = runner.invoke(
        args=["create-user", "pen", "--role", "author", "--password-stdin"],
        input=TEST_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = dict(db.session.execute(sa.select(User.username, User.role)).all())
    assert roles == {"boss": "administrator", "pen": "author"}


def test_existing_users_become_administrators_on_upgrade(tmp_path):
    with scratch_database(tmp_path, "roles") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="c41e5a7f9b20")
            db.session.execute(sa.text(
                "INSERT INTO users (username, display_name, created_at, session_version, email) "
                "VALUES ('old', 'Old Timer', CURRENT_TIMESTAMP, 1, '')"
            ))  # fmt: skip
            db.session.commit()
            upgrade()
            row = db.session.execute(sa.text("SELECT role, status FROM users")).one()
            db.engine.dispose()
    assert tuple(row) == ("administrator", "active")


def test_the_role_column_refuses_other_values(app, author):
    with app.app_context():
        db.session.execute(sa.update(User).values(role="author"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(User).values(role="editor"))
        db.session.rollback()


def test_another_authors_draft_is_not_shown_to_an_author(writer, world):
    assert writer.get("/theirs-page/").status_code == 404
    assert writer.get("/mine-page/").status_code == 200


def test_the_post_author_badge_is_for_the_posts_own_author(app, writer, world):
    with app.app_context():
        post_id = world["theirs"]["post"]
        for user_id, words in ((world["writer"], "A colleague says hi"), (world["other"], "Mine!")):
            db.session.add(Comment(post_id=post_id, user_id=user_id, author_name=words,
                                   body=words, status=CommentStatus.APPROVED))  # fmt: skip
        db.session.commit()
    html = writer.get(permalink(writer, "theirs post")).get_data(as_text=True)
    badges = re.findall(r'class="fn">([^<]+)</span>\s*(<span class="badge">)?', html)
    assert dict(badges) == {"A colleague says hi": "", "Mine!": '<span class="badge">'}
