"""Every save keeps the version it replaces; the history lists, diffs and restores them."""

import json
import re

import pytest
import sqlalchemy as sa

from blog import revisions
from blog.extensions import db
from blog.models import Post
from blog.revisions import PostRevision, RevisionKind, word_diff
from tests.conftest import csrf_token, post_form
from tests.test_admin import form_data

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)>'


def edit(client, post_id: int, **fields):
    return post_form(client, f"/admin/posts/{post_id}/edit", form_data(**fields))


def stored_revisions(app, kind=RevisionKind.REVISION) -> list[PostRevision]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(PostRevision).where(PostRevision.kind == kind).order_by(PostRevision.id)
        ).all()
        db.session.expunge_all()
        return found


@pytest.fixture
def written(client, auth):
    """A post saved three times through the editor: its id."""
    auth.login_through_session()
    response = post_form(client, "/admin/posts/new", form_data(title="First", body="one two"))
    post_id = int(re.search(r"/admin/posts/(\d+)/edit", response.headers["Location"]).group(1))
    edit(client, post_id, title="Second", body="one three", tags="Food")
    edit(client, post_id, title="Third", body="one three four", tags="Food, Tech")
    return post_id


def test_every_save_keeps_the_version_it_replaces(app, written):
    first, second = stored_revisions(app)
    assert (first.title, first.body, first.tags, first.status) == (
        "First",
        "one two",
        "",
        "published",
    )
    assert (second.title, second.body, second.tags) == ("Second", "one three", "Food")
    assert first.author_id is not None and first.created_at <= second.created_at


def test_a_save_that_changes_nothing_keeps_no_revision(app, client, written):
    edit(client, written, title="Third", body="one three four", tags="Food, Tech")
    assert len(stored_revisions(app)) == 2


def test_the_history_lists_them_and_shows_the_last_change(client, written):
    html = client.get(f"/admin/posts/{written}/revisions").get_data(as_text=True)
    assert html.count('data-label="Kind">Revision</td>') == 2 and "Current version" in html
    # By default: the newest revision against the current version.
    assert "one three<ins> four</ins>" in html
    assert "<del>Second</del><ins>Third</ins>" in html


def test_any_two_versions_can_be_compared(app, client, written):
    first, second = stored_revisions(app)
    url = f"/admin/posts/{written}/revisions?from={first.id}&to={second.id}"
    html = client.get(url).get_data(as_text=True)
    assert "one <del>two</del><ins>three</ins>" in html
    assert client.get(f"/admin/posts/{written}/revisions?from=999&to=current").status_code == 404
    assert client.get(f"/admin/posts/{written}/revisions?from=x'<").status_code == 404


def test_hostile_text_in_a_diff_is_escaped(app, client, written):
    edit(client, written, title="Third", body=HOSTILE)
    html = client.get(f"/admin/posts/{written}/revisions").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_word_diff_marks_words_and_escapes_both_sides():
    assert word_diff("a <b> c", "a <i> c") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c"
    assert word_diff("", "") == ""


def test_word_diff_matches_lines_first_and_marks_a_huge_change_whole(monkeypatch):
    assert word_diff("a\nb c\nd\n", "a\nb C\nd\n") == "a\nb <del>c</del><ins>C</ins>\nd\n"
    monkeypatch.setattr(revisions, "MAX_WORD_PAIRS", 4)
    assert word_diff("x b c", "x b C") == "<del>x b c</del><ins>x b C</ins>"


def test_restore_puts_the_words_back_and_keeps_the_replaced_version(app, client, written):
    first, _ = stored_revisions(app)
    url = f"/admin/posts/{written}/revisions/{first.id}/restore"
    token = csrf_token(client.get(f"/admin/posts/{written}/revisions"))
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Restored the version of" in response.get_data(as_text=True)
    with app.app_context():
        post = db.session.get(Post, written)
        assert (post.title, post.body, post.status) == ("First", "one two", "published")
    assert [revision.title for revision in stored_revisions(app)] == ["First", "Second", "Third"]


def test_restore_needs_csrf_and_the_right_post(app, client, written, make_post):
    first, _ = stored_revisions(app)
    assert client.post(f"/admin/posts/{written}/revisions/{first.id}/restore").status_code in (
        302,
        400,
    )
    other = make_post("Other")
    token = csrf_token(client.get(f"/admin/posts/{written}/revisions"))
    response = client.post(f"/admin/posts/{other}/revisions/{first.id}/restore",
                           data={"csrf_token": token})  # fmt: skip
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Post, written).title == "Third"


@pytest.mark.parametrize("url", ["/admin/posts/{id}/revisions", "/admin/posts/{id}/autosave"])
def test_history_and_autosave_need_a_login(app, client, make_post, url):
    post_id = make_post()
    response = client.get(url.format(id=post_id))
    assert response.status_code in (302, 405)


def test_revisions_can_be_capped(app, client, written):
    app.config["REVISIONS_KEPT"] = 2
    edit(client, written, title="Fourth", body="x")
    edit(client, written, title="Fifth", body="y")
    assert [revision.title for revision in stored_revisions(app)] == ["Third", "Fourth"]


def test_preview_keeps_an_autosave_offered_back_in_the_editor(app, client, written):
    data = form_data(title="Unsaved idea", body="typed but not saved", save=None, preview="Preview")
    post_form(client, f"/admin/posts/{written}/edit", data)
    [autosave] = stored_revisions(app, RevisionKind.AUTOSAVE)
    html = client.get(f"/admin/posts/{written}/edit").get_data(as_text=True)
    assert "You have unsaved text from" in html
    assert "typed but not saved" not in html  # offered, not forced on the author
    back = client.get(f"/admin/posts/{written}/edit?autosave={autosave.id}").get_data(as_text=True)
    assert "typed but not saved</textarea>" in back
    # Saving it keeps it for good: the autosave is done with.
    edit(client, written, title="Unsaved idea", body="typed but not saved")
    assert stored_revisions(app, RevisionKind.AUTOSAVE) == []


def test_autosaves_are_pruned_to_the_last_few(app, client, written):
    app.config["AUTOSAVES_KEPT"] = 2
    for number in range(4):
        data = form_data(title=f"Draft {number}", save=None, preview="Preview")
        post_form(client, f"/admin/posts/{written}/edit", data)
    kept = stored_revisions(app, RevisionKind.AUTOSAVE)
    assert [revision.title for revision in kept] == ["Draft 2", "Draft 3"]
    assert len(stored_revisions(app)) == 2  # revisions are not touched


def test_the_backup_includes_revisions(app, runner, written, tmp_path):
    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    data = json.loads(backup.read_text(encoding="utf-8"))
    assert [record["title"] for record in data["post_revisions"]] == ["First", "Second"]


def test_autosave_keeps_half_written_text_as_json(app, client, written):
    token = csrf_token(client.get(f"/admin/posts/{written}/edit"))
    data = {"csrf_token": token, "title": "", "body": "half a thought", "status": "draft"}
    response = client.post(f"/admin/posts/{written}/autosave", data=data)
    assert response.status_code == 200 and response.json["message"].startswith("Autosaved at ")
    new = client.post("/admin/posts/autosave", data={**data, "body": "a new post's start"})
    assert new.status_code == 200
    kept = stored_revisions(app, RevisionKind.AUTOSAVE)
    assert [(r.post_id, r.body) for r in kept] == [
        (written, "half a thought"),
        (None, "a new post's start"),
    ]
    # A new post's autosave is offered in the new-post editor.
    assert "You have unsaved text from" in client.get("/admin/posts/new").get_data(as_text=True)


def test_autosave_refuses_a_bad_token_too_long_a_body_and_strangers(app, client, written):
    response = client.post(f"/admin/posts/{written}/autosave", data={"body": "x"})
    assert response.status_code == 400 and "expired" in response.json["error"]
    token = csrf_token(client.get(f"/admin/posts/{written}/edit"))
    too_long = client.post(f"/admin/posts/{written}/autosave",
                           data={"csrf_token": token, "body": "x" * 200_001})  # fmt: skip
    assert too_long.status_code == 413
    assert client.post("/admin/posts/999/autosave", data={"csrf_token": token}).status_code == 404
    stranger = app.test_client()
    assert stranger.post("/admin/posts/autosave", data={"body": "spam"}).status_code == 302
    assert stored_revisions(app, RevisionKind.AUTOSAVE) == []
