"""The author's side: dashboard, writing, previewing, editing and deleting posts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostStatus, Tag, User, utcnow
from tests.conftest import csrf_token, post_form

ADMIN_URLS = [
    "/admin/",
    "/admin/posts/new",
    "/admin/posts/{id}/edit",
    "/admin/posts/{id}/delete",
]


def form_data(**overrides) -> dict:
    data = {
        "title": "A new post",
        "slug": "",
        "body": "Hello **world**.",
        "excerpt": "",
        "tags": "",
        "status": "published",
        "published_at": "",
        "allow_comments": "y",
        "save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored_posts(app) -> list[Post]:
    with app.app_context():
        posts = db.session.scalars(sa.select(Post).order_by(Post.id)).all()
        db.session.expunge_all()
        return posts


@pytest.mark.parametrize("url", ADMIN_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_admin_route_needs_a_login(client, make_post, url, method):
    post_id = make_post()
    response = getattr(client, method)(url.format(id=post_id))
    if method == "post" and response.status_code in (400, 405):
        return  # refused before the view runs (no CSRF token, or GET-only): nothing changed
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_admin_pages_are_not_cached(client, auth):
    auth.login_through_session()
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    ["/admin/users/", "/admin/users/new", "/admin/settings", "/admin/profile", "/admin/pages",
     "/admin/menu", "/admin/mail/outbox"],
)  # fmt: skip
def test_every_admin_screen_is_not_stored_whatever_its_blueprint(client, auth, url):
    auth.login_through_session()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_one_time_setup_link_and_its_page_are_not_stored(client, auth):
    """The link is shown once: no browser or proxy may keep a copy of it."""
    auth.login_through_session()
    new_user = {"username": "bea", "display_name": "Bea", "role": "author",
                "password_method": "link"}  # fmt: skip
    shown = post_form(client, "/admin/users/new", new_user)
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    link = re.search(
        r"<code>http://localhost(/account/setup/[^<]+)</code>", shown.get_data(as_text=True)
    )
    assert client.get(link.group(1)).headers["Cache-Control"] == "no-store"


def test_dashboard_lists_posts_with_status(client, auth, make_post):
    make_post("Live one")
    make_post("Work in progress", status=PostStatus.DRAFT)
    make_post("Coming soon", published_at=utcnow() + timedelta(days=3))
    auth.login_through_session()
    html = client.get("/admin/").get_data(as_text=True)
    for title, status in [
        ("Live one", "Published"),
        ("Work in progress", "Draft"),
        ("Coming soon", "Scheduled"),
    ]:
        assert re.search(re.escape(title) + r"</a></td>\s*<td[^>]*>" + status, html)
    assert 'href="/admin/posts/new"' in html


def test_the_dashboard_shows_fifty_posts_a_page(app, client, auth, make_post):
    with app.app_context():
        author_id = db.session.scalar(sa.select(User.id))
        start = utcnow() - timedelta(days=100)
        db.session.execute(sa.insert(Post), [
            {"title": f"Numbered {n:03}", "slug": f"numbered-{n}", "body": "x", "status": "draft",
             "created_at": start + timedelta(hours=n), "author_id": author_id}
            for n in range(1, 61)])  # fmt: skip
        db.session.commit()
    auth.login_through_session()
    first = client.get("/admin/").get_data(as_text=True)
    assert "Numbered 060" in first and "Numbered 011" in first and "Numbered 010" not in first
    assert 'href="/admin/?page=2"' in first
    second = client.get("/admin/?page=2").get_data(as_text=True)
    assert "Numbered 010" in second and "Numbered 001" in second and "Numbered 011" not in second
    assert "?page=3" not in second
    assert client.get("/admin/?page=3").status_code == 404


def test_writing_a_post_publishes_it(app, client, auth):
    auth.login_through_session()
    response = post_form(
        client,
        "/admin/posts/new",
        form_data(
            title="Привет, мир!",
            body="| a | b |\n|---|---|\n| 1 | 2 |",
            tags="Travel, Ünïcode,travel",
        ),
    )
    assert response.status_code == 302
    [post] = stored_posts(app)
    assert post.slug == "privet-mir"
    assert post.status == PostStatus.PUBLISHED and post.published_at <= utcnow()
    assert "<table>" in post.body_html
    html = client.get("/").get_data(as_text=True)
    assert "Привет, мир!" in html
    with app.app_context():
        assert db.session.scalars(sa.select(Tag.slug).order_by(Tag.slug)).all() == [
            "travel",
            "unicode",
        ]


def test_slugs_are_made_unique(app, client, auth, make_post):
    make_post("Same title", slug="same-title")
    auth.login_through_session()
    post_form(client, "/admin/posts/new", form_data(title="Same title"))
    post_form(client, "/admin/posts/new", form_data(title="Same title"))
    assert [post.slug for post in stored_posts(app)] == [
        "same-title",
        "same-title-2",
        "same-title-3",
    ]


def test_title_with_no_letters_gets_a_slug_anyway(app, client, auth):
    auth.login_through_session()
    post_form(client, "/admin/posts/new", form_data(title="!!! ???"))
    assert [post.slug for post in stored_posts(app)] == ["post"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "This field is required."),
        ("title", "x" * 201, "Field cannot be longer than 200 characters."),
        ("body", "", "This field is required."),
        ("slug", "Not A Slug!", "Use lowercase letters, digits and single hyphens only"),
        ("slug", "double--hyphen", "Use lowercase letters, digits and single hyphens only"),
        ("published_at", "next tuesday", "Not a valid datetime value."),
        ("tags", "ok, " + "t" * 65, "Keep each tag under 64 characters."),
        ("tags", "fine, 🙂", "needs a letter or a digit"),
        ("status", "deleted", "Not a valid choice."),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(
    app, client, auth, field, value, message
):
    auth.login_through_session()
    data = form_data(**{"body": "My carefully written body text", field: value})
    response = post_form(client, "/admin/posts/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html
    if field != "body":
        assert "My carefully written body text" in html
    assert stored_posts(app) == []


def test_duplicate_slug_is_refused_with_the_text_kept(app, client, auth, make_post):
    make_post("Taken", slug="taken")
    auth.login_through_session()
    response = post_form(
        client, "/admin/posts/new", form_data(slug="taken", body="Keep me, please")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Another post already uses this slug." in html
    assert "Keep me, please" in html
    assert len(stored_posts(app)) == 1


def test_preview_renders_without_saving(app, client, auth):
    auth.login_through_session()
    response = post_form(
        client,
        "/admin/posts/new",
        form_data(
            body="```python\nprint('hi')\n```\n\n<script>alert(1)</script>",
            save=None,
            preview="Preview",
            tags="New Tag",
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview — not saved yet" in html
    assert '<code class="language-python">' in html
    assert "<script>alert(1)" not in html
    assert stored_posts(app) == []
    with app.app_context():
        assert db.session.scalars(sa.select(Tag)).all() == []


def test_editing_a_post(app, client, auth, make_post):
    post_id = make_post("Before", body="Old body", tags=["One"])
    auth.login_through_session()
    form = client.get(f"/admin/posts/{post_id}/edit").get_data(as_text=True)
    assert 'value="Before"' in form and "Old body" in form and 'value="One"' in form
    response = post_form(
        client,
        f"/admin/posts/{post_id}/edit",
        form_data(title="After", slug="before", body="New *body*", tags="Two"),
    )
    assert response.status_code == 302
    [post] = stored_posts(app)
    assert (post.title, post.slug) == ("After", "before")
    assert "<em>body</em>" in post.body_html


def test_editing_keeps_its_own_slug_without_a_conflict(app, client, auth, make_post):
    post_id = make_post("Mine", slug="mine")
    auth.login_through_session()
    response = post_form(client, f"/admin/posts/{post_id}/edit", form_data(slug="mine"))
    assert response.status_code == 302


def test_future_publish_date_schedules_the_post(app, client, auth):
    app.config["TIME_ZONE"] = "Europe/Berlin"
    auth.login_through_session()
    post_form(
        client,
        "/admin/posts/new",
        form_data(title="Later", published_at="2099-06-01T12:30"),
    )
    [post] = stored_posts(app)
    assert post.published_at == datetime(2099, 6, 1, 10, 30, tzinfo=UTC)  # CEST is UTC+2
    assert 'rel="bookmark">Later<' not in client.get("/").get_data(as_text=True)
    assert "Scheduled" in client.get("/admin/").get_data(as_text=True)


def test_draft_is_not_public(app, client, auth):
    auth.login_through_session()
    post_form(client, "/admin/posts/new", form_data(title="Secret draft", status="draft"))
    [post] = stored_posts(app)
    assert post.published_at is None
    auth.logout()
    assert "Secret draft" not in client.get("/").get_data(as_text=True)


def test_missing_csrf_token_keeps_the_text(app, client, auth):
    auth.login_through_session()
    response = client.post("/admin/posts/new", data=form_data(body="Hours of work"))
    html = response.get_data(as_text=True)
    assert "Your session expired, please submit again." in html
    assert "Hours of work" in html
    assert stored_posts(app) == []
    # The re-rendered form carries a fresh token: submitting again works.
    response = client.post(
        "/admin/posts/new", data={"csrf_token": csrf_token(response), **form_data()}
    )
    assert response.status_code == 302
    assert len(stored_posts(app)) == 1


def test_delete_asks_then_deletes_on_post(app, client, auth, make_post):
    post_id = make_post("Doomed", tags=["Keep"])
    auth.login_through_session()
    page = client.get(f"/admin/posts/{post_id}/delete")
    assert "cannot be undone" in page.get_data(as_text=True)
    assert len(stored_posts(app)) == 1
    assert client.post(f"/admin/posts/{post_id}/delete").status_code == 400
    response = client.post(f"/admin/posts/{post_id}/delete", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert stored_posts(app) == []
    with app.app_context():
        assert db.session.scalars(sa.select(Tag.name)).all() == ["Keep"]


def test_unknown_post_ids_are_404(client, auth):
    auth.login_through_session()
    assert client.get("/admin/posts/999/edit").status_code == 404
    assert client.get("/admin/posts/999/delete").status_code == 404


def test_previewing_a_saved_post_shows_it_as_readers_will(app, client, auth, make_post):
    published = datetime(2021, 3, 4, 12, 0, tzinfo=UTC)
    post_id = make_post("Saved", body="Old body", published_at=published, tags=["Old"])
    auth.login_through_session()
    response = post_form(
        client,
        f"/admin/posts/{post_id}/edit",
        form_data(title="Saved", body="New *words*", tags="Fresh", save=None, preview="Preview"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index("Preview — not saved yet")
    preview = html[start : html.index("</section>", start)]
    assert "<em>words</em>" in preview
    assert 'by <span class="author">Ada Author</span>' in preview
    assert '<time datetime="2021-03-04T12:00:00+00:00">March 4, 2021</time>' in preview
    assert 'rel="tag">Fresh</a>' in preview
    [post] = stored_posts(app)
    assert post.body == "Old body"
    with app.app_context():
        assert db.session.scalars(sa.select(Tag.name).order_by(Tag.name)).all() == ["Old"]


@pytest.mark.parametrize(
    ("zone", "typed"),
    [("Asia/Tokyo", "0001-01-01T00:00"), ("America/New_York", "9999-12-31T23:59")],
)
def test_a_publish_date_past_the_calendars_ends_is_refused_at_the_field(
    app, client, auth, zone, typed
):
    """In UTC it would fall in year 0 or 10000, which no date can hold."""
    app.config["TIME_ZONE"] = zone
    auth.login_through_session()
    for button in ("save", "preview"):
        data = form_data(body="My carefully written body text", published_at=typed, save=None)
        response = post_form(client, "/admin/posts/new", {**data, button: "y"})
        assert response.status_code == 422
        assert "Please give a date between the years 2 and 9998" in response.get_data(as_text=True)
    assert stored_posts(app) == []
