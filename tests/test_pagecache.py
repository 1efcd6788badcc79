"""The page cache: anonymous readers get stored pages until what a page shows changes.

Every path that changes what readers see is exercised through the app itself
(the admin's forms, the comment form, the models), by a second client that
reads the page before and after; a reader or author for whom the stored page
would be wrong is shown never to get it.
"""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, User, published_posts, utcnow
from tests.conftest import (
    FORM_TOKENS,
    app_config,
    counting_queries,
    csrf_token,
    form_tokens,
    insert_comment,
    permalink,
    post_form,
)
from tests.live_server import ROOT

WXR_SITE = ROOT / "tests" / "wxr" / "site-1.2.xml"


@pytest.fixture
def reader(app):
    """An anonymous reader with a browser of their own."""
    return app.test_client()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def queries_for(app, client, url: str) -> int:
    with counting_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def comment_on(app, post_id: int, status=CommentStatus.APPROVED, name="Cora") -> int:
    return insert_comment(app, post_id, author_name=name, body=f"Words by {name}.",
                          author_email="cora@example.com", status=status)  # fmt: skip


def test_a_second_visit_is_served_without_touching_the_database(app, reader, make_post):
    make_post("Stored")
    first = page(reader, "/")
    assert queries_for(app, reader, "/") == 0
    assert page(reader, "/") == first


def test_each_reader_gets_their_own_form_tokens_and_can_comment(app, make_post):
    post_id = make_post("Discuss")
    first, second = app.test_client(), app.test_client()
    url = permalink(first, "Discuss")
    mine = form_tokens(page(first, url))
    assert queries_for(app, second, url) == 0  # from the cache...
    theirs = form_tokens(page(second, url))
    assert mine["csrf_token"] != theirs["csrf_token"]  # ...with their own token and stamp
    assert mine["issued"] != theirs["issued"]
    for client, hidden, name in ((first, mine, "First"), (second, theirs, "Second")):
        response = client.post(f"/posts/{post_id}/comments", data={
            **hidden, "comment": f"{name} here.", "author": name,
            "email": f"{name.lower()}@example.com"})  # fmt: skip
        assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 2


def test_a_new_approved_comment_shows_at_once(app, reader, make_post):
    post_id = make_post("Talk", tags=["Chat"])
    url = permalink(reader, "Talk")
    assert "Cora" not in page(reader, url)
    comment_on(app, post_id)
    assert "Words by Cora." in page(reader, url)
    assert "Cora" in page(reader, "/tag/chat/")  # the sidebar's recent comments


def test_a_held_comment_changes_nothing_for_others_but_its_author_sees_it(app, make_post):
    post_id = make_post("Held")
    writer, other = app.test_client(), app.test_client()
    url = permalink(other, "Held")
    before = page(other, url)
    hidden = form_tokens(page(writer, url))
    form = {**hidden, "comment": "Mine, held.", "author": "Holly", "email": "holly@example.com"}
    response = writer.post(f"/posts/{post_id}/comments", data=form)
    assert response.status_code == 303
    assert "Mine, held." in page(writer, url)  # their own, awaiting moderation
    assert "awaiting moderation" in page(writer, url)
    assert queries_for(app, other, url) == 0  # nothing readers see changed: still cached
    assert "Mine, held." not in page(other, url)
    assert FORM_TOKENS.sub("", page(other, url)) == FORM_TOKENS.sub("", before)


def test_moderation_shows_and_hides_comments(app, client, auth, reader, make_post):
    post_id = make_post("Moderated")
    held = comment_on(app, post_id, CommentStatus.PENDING, name="Pending Pat")
    url = permalink(reader, "Moderated")
    assert "Pending Pat" not in page(reader, url)
    auth.login()
    token = csrf_token(client.get("/admin/comments"))
    for action, shown in (("approve", True), ("spam", False), ("not-spam", False),
                          ("approve", True), ("trash", False)):  # fmt: skip
        response = client.post(f"/admin/comments/{held}/{action}", data={"csrf_token": token})
        assert response.status_code in (302, 303), action
        assert ("Pending Pat" in page(reader, url)) is shown, action


def test_an_edited_post_shows_its_new_words_everywhere(app, client, auth, reader, make_post):
    post_id = make_post("Old title", tags=["Edits"])
    url = permalink(reader, "Old title")
    for address in ("/", url, "/tag/edits/", "/feed/"):
        assert "Old title" in page(reader, address)
    auth.login()
    response = post_form(client, f"/admin/posts/{post_id}/edit", {
        "title": "New title", "slug": "old-title", "body": "New words.", "excerpt": "",
        "tags": "Edits", "status": "published",
        "published_at": utcnow().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    for address in ("/", url, "/tag/edits/", "/feed/"):
        assert "New title" in page(reader, address), address


def test_a_new_post_appears_on_the_lists(app, reader, make_post):
    make_post("First", tags=["Lists"])
    for address in ("/", "/tag/lists/", "/feed/", "/sitemap.xml"):
        page(reader, address)
    make_post("Second", tags=["Lists"])
    for address in ("/", "/tag/lists/", "/feed/", "/sitemap.xml"):
        assert "second" in page(reader, address).lower(), address


def test_a_draft_changes_nothing_readers_see(app, reader, make_post):
    make_post("Public")
    page(reader, "/")
    draft = make_post("Secret draft", status=PostStatus.DRAFT)
    with app.app_context():
        db.session.get(Post, draft).title = "Still a draft"
        db.session.commit()
    assert queries_for(app, reader, "/") == 0


def test_a_scheduled_post_appears_when_its_time_comes(app, reader, make_post):
    make_post("Now")
    make_post("Soon", published_at=utcnow() + timedelta(seconds=1.5))
    assert "Soon" not in page(reader, "/")
    assert queries_for(app, reader, "/") == 0
    time.sleep(1.6)
    assert "Soon" in page(reader, "/")


def test_an_authors_new_name_shows(app, reader, make_post, author):
    make_post("Bylined")
    assert "Ada Author" in page(reader, "/")
    with app.app_context():
        db.session.get(User, author).display_name = "Ada Lovelace"
        db.session.commit()
    assert "Ada Lovelace" in page(reader, "/")


def test_bulk_statements_count_as_changes(app, reader, make_post):
    post_id = make_post("Bulk")
    comment_on(app, post_id, CommentStatus.PENDING, name="Bulk Bea")
    url = permalink(reader, "Bulk")
    assert "Bulk Bea" not in page(reader, url)
    with app.app_context():
        db.session.execute(sa.update(Comment).values(status=CommentStatus.APPROVED))
        db.session.commit()
    assert "Bulk Bea" in page(reader, url)


def test_a_rolled_back_change_keeps_the_cache(app, reader, make_post, author):
    make_post("Kept")
    page(reader, "/")
    with app.app_context():
        db.session.get(Post, db.session.scalar(sa.select(Post.id))).title = "X"
        db.session.flush()
        db.session.rollback()
        # The same session then commits something readers do not see.
        db.session.add(Post(title="Quiet draft", slug="quiet-draft", body="x", author_id=author))
        db.session.commit()
    assert queries_for(app, reader, "/") == 0


def test_the_logged_in_author_never_gets_the_readers_page(app, client, auth, make_post):
    make_post("Mine")
    page(client, "/")  # stored for anonymous readers
    auth.login()
    html = page(client, "/")
    assert "Dashboard" in html and "Log out" in html


def test_a_reader_with_saved_details_gets_them_filled_in(app, reader, make_post):
    make_post("Details")
    url = permalink(reader, "Details")
    page(reader, url)
    reader.set_cookie("comment_author", '{"author": "Sam Saved", "email": "sam@example.com"}')
    assert 'value="Sam Saved"' in page(reader, url)


def test_revalidation_answers_304_without_the_database(app, reader, make_post):
    make_post("Validated")
    etag = reader.get("/").headers["ETag"]
    with counting_queries(app) as statements:
        response = reader.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304 and statements == []


def test_workers_sharing_a_store_see_each_others_changes(database_url, tmp_path, make_post):
    """Two app instances stand for two gunicorn workers on the default filesystem store."""
    shared = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
    one = create_app(app_config(database_url, **shared))
    two = create_app(app_config(database_url, **shared))
    post_id = make_post("Shared")
    url = permalink(one.test_client(), "Shared")
    assert "Walt" not in page(one.test_client(), url)
    assert queries_for(one, one.test_client(), url) == 0
    with two.app_context():
        db.session.add(Comment(post_id=post_id, author_name="Walt", body="From worker two.",
                               status=CommentStatus.APPROVED))  # fmt: skip
        db.session.commit()
    assert "From worker two." in page(one.test_client(), url)


def test_a_restart_with_other_settings_does_not_serve_old_pages(database_url, tmp_path, make_post):
    shared = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
    make_post("Settings")
    before = create_app(app_config(database_url, SITE_TITLE="Before", **shared))
    assert "Before" in page(before.test_client(), "/")
    after = create_app(app_config(database_url, SITE_TITLE="After", **shared))
    assert "After" in page(after.test_client(), "/")


def test_the_cache_can_be_switched_off(database_url, make_post):
    make_post("Uncached")
    app = create_app(app_config(database_url, PAGE_CACHE=False))
    reader = app.test_client()
    page(reader, "/")
    assert queries_for(app, reader, "/") > 0


def test_bulk_inserts_count_as_changes(app, reader, make_post, author):
    """The WordPress import and the JSON restore insert rows in bulk."""
    make_post("Before the import")
    page(reader, "/")
    with app.app_context():
        db.session.execute(sa.insert(Post), [{
            "title": "Imported in bulk", "slug": "imported-in-bulk", "body": "Hi",
            "status": PostStatus.PUBLISHED, "published_at": utcnow() - timedelta(hours=1),
            "author_id": author}])  # fmt: skip
        db.session.commit()
    assert "Imported in bulk" in page(reader, "/")


def test_browsers_without_cookies_get_stored_pages_before_flask(app, make_post, monkeypatch):
    make_post("Cookieless", tags=["Plain"])
    stored = app.test_client().get("/tag/plain/")
    monkeypatch.setattr(app, "full_dispatch_request", lambda: pytest.fail("Flask was entered"))
    again = app.test_client().get("/tag/plain/")
    assert again.status_code == 200 and again.data == stored.data
    assert again.headers["Content-Security-Policy"] == stored.headers["Content-Security-Policy"]
    assert again.headers["Cache-Control"] == "public, max-age=300"
    assert again.headers["ETag"] == stored.headers["ETag"] and "Set-Cookie" not in again.headers
    head = app.test_client().head("/tag/plain/")
    assert head.status_code == 200 and head.data == b""
    revalidated = app.test_client().get(
        "/tag/plain/", headers={"If-None-Match": again.headers["ETag"]}
    )
    assert revalidated.status_code == 304 and revalidated.data == b""


def test_pages_with_a_form_get_fresh_tokens_and_hosts_their_own_pages(app, make_post):
    make_post("Form")
    url = permalink(app.test_client(), "Form")
    first = app.test_client().get(url)
    second = app.test_client().get(url)  # stored, with this reader's own token
    assert "Set-Cookie" in second.headers
    assert form_tokens(second.get_data(as_text=True)) != form_tokens(first.get_data(as_text=True))
    other = app.test_client().get("/", base_url="http://blog.example/")
    assert "http://blog.example/" in other.get_data(as_text=True)


def test_related_posts_follow_new_posts(app, reader, make_post):
    make_post("Alpha", tags=["Shared"])
    url = permalink(reader, "Alpha")
    assert "Related posts" not in page(reader, url)
    make_post("Beta", tags=["Shared"])
    html = page(reader, url)
    assert "Related posts" in html and ">Beta</a>" in html


def test_a_wordpress_import_shows_at_once(app, reader, runner, make_post):
    make_post("Before WordPress")
    assert "Before WordPress" in page(reader, "/")
    result = runner.invoke(args=["import-wxr", str(WXR_SITE)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        newest = published_posts().where(Post.wp_id.is_not(None)).limit(1)
        imported = db.session.scalar(newest).title
    assert str(escape(imported)) in page(reader, "/")


def test_cookieless_readers_get_post_pages_with_their_own_form_before_flask(
    app, make_post, monkeypatch
):
    post_id = make_post("First visit")
    url = permalink(app.test_client(), "First visit")
    page(app.test_client(), url)  # stored
    with monkeypatch.context() as patched:
        patched.setattr(app, "full_dispatch_request", lambda: pytest.fail("Flask was entered"))
        readers = [app.test_client(), app.test_client()]
        responses = [reader.get(url) for reader in readers]
        head = app.test_client().head(url)
    forms = [form_tokens(response.get_data(as_text=True)) for response in responses]
    assert (
        forms[0]["csrf_token"] != forms[1]["csrf_token"]
        and forms[0]["issued"] != forms[1]["issued"]
    )
    for response in responses:
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "ETag" not in response.headers and "Content-Security-Policy" in response.headers
        assert "HttpOnly" in response.headers["Set-Cookie"]
    assert head.status_code == 200 and head.data == b""
    for reader, form, name in zip(readers, forms, ("Una", "Vic"), strict=True):
        sent = reader.post(f"/posts/{post_id}/comments", data={
            **form, "comment": f"Hello from {name}.", "author": name,
            "email": f"{name.lower()}@example.com"})  # fmt: skip
        assert sent.status_code == 303, sent.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 2


def test_a_form_from_the_wsgi_layer_without_its_cookie_is_refused(app, make_post):
    post_id = make_post("Stolen form")
    url = permalink(app.test_client(), "Stolen form")
    page(app.test_client(), url)
    form = form_tokens(page(app.test_client(), url))  # this reader's tokens...
    response = app.test_client().post(f"/posts/{post_id}/comments", data={
        **form, "comment": "Forged.", "author": "Mallory", "email": "m@example.com"})  # fmt: skip
    assert response.status_code != 303  # ...are no good from another browser
    assert "Your session expired" in response.get_data(as_text=True)
