"""Pages: written at /admin/pages, read at /about/ and /about/team/."""

import re

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostKind, PostStatus, utcnow
from tests.conftest import post_form


def page_data(**overrides) -> dict:
    data = {
        "title": "About",
        "slug": "",
        "body": "Who *we* are.",
        "parent_id": "0",
        "menu_order": "0",
        "status": "published",
        "save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored_page(app, slug: str) -> Post | None:
    with app.app_context():
        page = db.session.scalar(sa.select(Post).where(Post.slug == slug))
        if page is not None:
            db.session.expunge(page)
        return page


@pytest.mark.parametrize("url", ["/admin/pages", "/admin/pages/new", "/admin/pages/1/edit",
                                 "/admin/pages/1/delete"])  # fmt: skip
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_page_screens_need_a_login(client, url, method):
    response = getattr(client, method)(url)
    if method == "post" and response.status_code in (400, 405):
        return  # refused before the view runs (no CSRF token, or GET-only): nothing changed
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_write_preview_edit_and_delete_a_page(app, client, auth):
    auth.login_through_session()
    preview = post_form(client, "/admin/pages/new", page_data(save=None, preview="Preview"))
    html = preview.get_data(as_text=True)
    assert "Preview — not saved yet" in html and "Who <em>we</em> are." in html
    assert stored_page(app, "about") is None
    response = post_form(client, "/admin/pages/new", page_data())
    assert response.status_code == 302
    page = stored_page(app, "about")
    assert page.kind == PostKind.PAGE and not page.allow_comments  # off by default
    reader = app.test_client()
    assert "Who <em>we</em> are." in reader.get("/about/").get_data(as_text=True)
    edit_url = f"/admin/pages/{page.id}/edit"
    assert 'value="About"' in client.get(edit_url).get_data(as_text=True)
    post_form(
        client, edit_url, page_data(title="About us", slug="about", body="<script>x</script>Us.")
    )
    html = reader.get("/about/").get_data(as_text=True)
    assert "About us" in html and "<script>x" not in html
    assert "About us" in client.get("/admin/pages").get_data(as_text=True)
    post_form(client, f"/admin/pages/{page.id}/delete", {})
    assert stored_page(app, "about") is None
    assert reader.get("/about/").status_code == 404


def test_a_draft_page_is_for_the_author_only(app, client, auth, make_page):
    make_page("Secret", status=PostStatus.DRAFT)
    assert client.get("/secret/").status_code == 404
    auth.login_through_session()
    assert "Draft — not published" in client.get("/secret/").get_data(as_text=True)


@pytest.mark.parametrize("slug", ["admin", "feed", "tag", "search", "login", "static", "2024",
                                  "sitemap", "comments"])  # fmt: skip
def test_slugs_that_would_shadow_the_blogs_own_routes_are_refused(app, client, auth, slug):
    auth.login_through_session()
    response = post_form(client, "/admin/pages/new", page_data(title="Mine", slug=slug))
    if slug == "sitemap":  # sitemap.xml is the route, /sitemap/ is free
        assert response.status_code == 302
        return
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"This slug is taken by one of the blog’s own addresses (/{slug}/)" in html
    assert 'value="Mine"' in html  # the text is kept
    assert stored_page(app, slug) is None


def test_a_title_that_would_make_a_reserved_slug_is_refused(app, client, auth):
    auth.login_through_session()
    response = post_form(client, "/admin/pages/new", page_data(title="Admin"))
    assert response.status_code == 422
    assert "(/admin/)" in response.get_data(as_text=True)


def test_a_child_page_lives_under_its_parent(app, client, auth, make_page):
    about = make_page("About")
    auth.login_through_session()
    response = post_form(
        client, "/admin/pages/new", page_data(title="Team", parent_id=str(about), slug="team")
    )
    assert response.status_code == 302
    assert client.get("/team/").headers["Location"].endswith("/about/team/")
    assert "Who <em>we</em> are." in client.get("/about/team/").get_data(as_text=True)
    assert client.get("/about/team").headers["Location"].endswith("/about/team/")
    # A child may take a slug reserved at the top, its address being under its parent.
    response = post_form(
        client, "/admin/pages/new", page_data(title="Feed", parent_id=str(about), slug="feed")
    )
    assert response.status_code == 302
    assert client.get("/about/feed/").status_code == 200


def test_a_moved_page_answers_at_its_new_path_and_the_old_redirects(app, client, make_page):
    about = make_page("About")
    team = make_page("Team", parent=about)
    assert client.get("/about/team/").status_code == 200
    with app.app_context():
        db.session.get(Post, team).parent_id = None
        db.session.commit()
    assert client.get("/team/").status_code == 200
    response = client.get("/about/team/")
    assert response.status_code == 301 and response.headers["Location"].endswith("/team/")


def test_a_page_cannot_be_put_under_itself_or_its_children(app, client, auth, make_page):
    about = make_page("About")
    team = make_page("Team", parent=about)
    auth.login_through_session()
    response = post_form(
        client, f"/admin/pages/{about}/edit", page_data(parent_id=str(team), slug="about")
    )
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)


def test_deleting_a_parent_moves_its_children_to_the_top(app, client, auth, make_page):
    about = make_page("About")
    make_page("Team", parent=about)
    auth.login_through_session()
    post_form(client, f"/admin/pages/{about}/delete", {})
    assert stored_page(app, "team").parent_id is None
    assert client.get("/team/").status_code == 200


def test_siblings_keep_their_order_in_the_list(app, client, auth, make_page):
    make_page("Zebra", menu_order=1)
    make_page("Yak", menu_order=2)
    make_page("Aardvark", menu_order=3)
    auth.login_through_session()
    html = client.get("/admin/pages").get_data(as_text=True)
    assert html.index("Zebra") < html.index("Yak") < html.index("Aardvark")


def test_a_page_is_not_in_the_lists_and_feeds_but_in_the_sitemap_and_search(
    app, client, make_page, make_post
):
    make_post("A dated post", body="Gardening news.")
    make_page("About", body="All about gardening here.")
    for url in ("/", f"/{utcnow():%Y}/", f"/{utcnow():%Y/%m}/", "/feed/"):
        body = client.get(url).get_data(as_text=True)
        assert "A dated post" in body, url
        assert "All about gardening" not in body and ">About<" not in body, url
    assert "/about/</loc>" in client.get("/sitemap.xml").get_data(as_text=True)
    html = client.get("/search?q=gardening").get_data(as_text=True)
    assert "2 results" in html
    assert re.search(r'<a href="/about/">About</a></h2>\s*<p class="post-meta">Page</p>', html)


def test_a_page_with_comments_on_takes_comments(app, client, make_page):
    make_page("Guestbook", allow_comments=True)
    assert "Leave a Reply" in client.get("/guestbook/").get_data(as_text=True)
    make_page("Quiet")
    assert "Leave a Reply" not in client.get("/quiet/").get_data(as_text=True)


def test_the_post_editor_hands_a_page_to_the_page_editor(app, client, auth, make_page):
    page = make_page("About")
    auth.login_through_session()
    response = client.get(f"/admin/posts/{page}/edit")
    assert response.headers["Location"].endswith(f"/admin/pages/{page}/edit")
    assert "About" not in client.get("/admin/").get_data(as_text=True).split("<main")[1]


def test_a_dated_permalink_of_a_page_moves_to_the_page(client, make_page):
    make_page("About")
    response = client.get(f"/{utcnow():%Y/%m}/about/")
    assert response.status_code == 301 and response.headers["Location"] == "/about/"
    make_page("Secret", status=PostStatus.DRAFT)
    assert client.get(f"/{utcnow():%Y/%m}/secret/").status_code == 404


def test_unknown_paths_are_still_404s(client):
    for url in ("/no-such-page/", "/a/b/c/", "/x%00y/", "/" + "a/" * 20, "/Ünïcode/"):
        assert client.get(url).status_code == 404, url


def test_the_page_editors_buttons_say_what_they_do(app, client, auth):
    auth.login_through_session()
    html = client.get("/admin/pages/new").get_data(as_text=True)
    assert 'value="Save draft"' in html and 'value="Publish"' in html
    post_form(client, "/admin/pages/new", page_data(save=None, save_draft="Save draft"))
    assert stored_page(app, "about").status == PostStatus.DRAFT  # the button wins over Status
    page_id = stored_page(app, "about").id
    post_form(client, f"/admin/pages/{page_id}/edit", page_data(save=None, publish="Publish"))
    assert stored_page(app, "about").status == PostStatus.PUBLISHED
    html = client.get(f"/admin/pages/{page_id}/edit").get_data(as_text=True)
    assert 'value="Update"' in html and 'value="Switch to draft"' in html
