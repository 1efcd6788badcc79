"""Every route, walked from the URL map: no 500s, and no change without a CSRF token."""

import sqlalchemy as sa

from blog.extensions import db
from blog.models import Comment, MediaItem
from tests.conftest import row_counts

SAMPLE_VALUES = {"slug": "sample", "year": 2026, "month": 1, "post_id": 1, "comment_id": 1,
                 "action": "approve", "filename": "css/blog.css", "token": "sample",
                 "revision_id": 1, "item_id": 1, "page_id": 1, "path": "about/team", "user_id": 1,
                 "name": "ab/" + "ab" * 32 + "-480.webp"}  # fmt: skip


def urls_for(app, method: str) -> list[str]:
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return [
            adapter.build(rule.endpoint, {arg: SAMPLE_VALUES[arg] for arg in rule.arguments})
            for rule in app.url_map.iter_rules()
            if method in rule.methods
        ]


def seed(app, make_post) -> None:
    post_id = make_post("Sample", slug="sample", tags=["Sample"])
    with app.app_context():
        db.session.add(Comment(post_id=post_id, author_name="R", body="hi", status="pending"))
        rendition = {"width": 480, "height": 320, "ext": "webp", "bytes": 1}
        db.session.add(MediaItem(sha256="ab" * 32, file_name="a.jpg", width=480, height=320,
                                 uploaded_bytes=1, renditions=[rendition, rendition]))  # fmt: skip
        db.session.commit()


def test_every_get_route_answers_without_a_server_error(app, client, auth, make_post):
    seed(app, make_post)
    urls = urls_for(app, "GET")
    assert len(urls) >= 12
    for logged_in in (False, True):
        if logged_in:
            auth.login_through_session()
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (url, logged_in, response.status_code)
            response.close()


def test_no_post_route_changes_anything_without_a_csrf_token(app, client, auth, make_post):
    seed(app, make_post)
    auth.login_through_session()
    before = row_counts(app)
    urls = urls_for(app, "POST")
    assert len(urls) >= 8
    for url in urls:
        response = client.post(url, data={"title": "x", "body": "x", "comment": "x",
                                          "author": "x", "email": "x@example.com",
                                          "ids": "1", "action": "trash"})  # fmt: skip
        assert response.status_code in (302, 400, 404, 422), (url, response.status_code)
    assert row_counts(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(Comment.status)) == "pending"
    assert client.get("/admin/").status_code == 200  # still logged in: logout refused too
