"""The menu: edited at /admin/menu with plain forms, shown in every page's header."""

import re

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post
from blog.site.models import MenuItem
from tests.conftest import csrf_token, post_form


def header_links(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, is current) of the reader's links in the header's <nav>."""
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    return [
        (label, href, bool(current))
        for href, current, label in re.findall(
            r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', nav
        )
    ]


def menu_items(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(item.label, item.kind) for item in
                db.session.scalars(sa.select(MenuItem).order_by(MenuItem.position))]  # fmt: skip


def add(client, **data):
    return post_form(client, "/admin/menu", {"label": "", "url": "", "add": "Add", **data})


def button(client, item_id: int, action: str, **data):
    token = csrf_token(client.get("/admin/menu"))
    return client.post(f"/admin/menu/{item_id}/{action}", data={"csrf_token": token, **data})


def item_id(app, label: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(MenuItem.id).where(MenuItem.label == label))


@pytest.mark.parametrize("url", ["/admin/menu", "/admin/menu/1/rename", "/admin/menu/1/move",
                                 "/admin/menu/1/remove"])  # fmt: skip
def test_the_menu_screens_need_a_login(client, url):
    for method in (client.get, client.post):
        response = method(url)
        if response.status_code in (400, 404, 405):
            continue  # refused before the view runs (a GET of a POST-only address: no page)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_until_a_menu_is_made_the_header_shows_home(client):
    assert header_links(client.get("/").get_data(as_text=True)) == [("Home", "/", True)]


def test_add_rename_reorder_and_remove_without_javascript(app, client, auth, make_page, make_post):
    about = make_page("About")
    make_post("Tagged", tags=["Python"])
    auth.login_through_session()
    assert add(client, target="home").status_code == 302
    add(client, target=f"page:{about}")
    with app.app_context():
        tag_id = db.session.scalar(sa.text("SELECT id FROM tags WHERE slug = 'python'"))
    add(client, target=f"tag:{tag_id}", label="Python posts")
    add(client, target="feed")
    add(client, target="url", label="Elsewhere", url="https://example.org/")
    assert menu_items(app) == [("Home", "home"), ("About", "page"), ("Python posts", "tag"),
                               ("Feed", "feed"), ("Elsewhere", "url")]  # fmt: skip
    button(client, item_id(app, "About"), "move", direction="up")
    button(client, item_id(app, "Elsewhere"), "move", direction="down")  # already last
    token = csrf_token(client.get("/admin/menu"))
    feed = item_id(app, "Feed")
    response = client.post(
        f"/admin/menu/{feed}/rename",
        data={f"item-{feed}-csrf_token": token, f"item-{feed}-label": "Subscribe"},
    )
    assert response.status_code == 302
    button(client, item_id(app, "Python posts"), "remove")
    assert menu_items(app) == [("About", "page"), ("Home", "home"), ("Subscribe", "feed"),
                               ("Elsewhere", "url")]  # fmt: skip
    reader = app.test_client()
    links = header_links(reader.get("/about/").get_data(as_text=True))
    assert links == [
        ("About", "/about/", True),
        ("Home", "/", False),
        ("Subscribe", "/feed/", False),
        ("Elsewhere", "https://example.org/", False),
    ]


def test_bad_links_are_refused_with_the_text_kept(app, client, auth):
    auth.login_through_session()
    for data, message in [
        (
            {"target": "url", "label": "Evil", "url": "javascript:alert(1)"},
            "starting with https://",
        ),
        # Browsers read /\host as //host: another site.
        ({"target": "url", "label": "Away", "url": "/\\evil.example"}, "starting with https://"),
        ({"target": "url", "label": "Nowhere", "url": ""}, "Please give the address"),
        ({"target": "url", "label": "", "url": "https://example.org/"}, "Please give the link"),
        ({"target": "page:999999"}, "Not a valid choice."),
    ]:
        response = add(client, **data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert message in html, data
        if data.get("label"):
            assert f'value="{data["label"]}"' in html
    response = add(client, target="home")
    home = item_id(app, "Home")
    token = csrf_token(client.get("/admin/menu"))
    response = client.post(
        f"/admin/menu/{home}/rename",
        data={f"item-{home}-csrf_token": token, f"item-{home}-label": ""},
    )
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert menu_items(app) == [("Home", "home")]


def test_buttons_without_a_csrf_token_change_nothing(app, client, auth):
    auth.login_through_session()
    add(client, target="home")
    home = item_id(app, "Home")
    assert client.post(f"/admin/menu/{home}/remove").status_code == 400
    response = client.post(f"/admin/menu/{home}/rename", data={f"item-{home}-label": "X"})
    assert response.status_code == 422
    assert menu_items(app) == [("Home", "home")]


def test_a_draft_or_deleted_page_drops_out_of_the_menu(app, client, auth, make_page):
    about = make_page("About")
    auth.login_through_session()
    add(client, target=f"page:{about}")
    reader = app.test_client()
    assert ("About", "/about/", False) in header_links(reader.get("/").get_data(as_text=True))
    with app.app_context():
        db.session.get(Post, about).status = "draft"
        db.session.commit()
    assert header_links(reader.get("/").get_data(as_text=True)) == []
    assert "(no longer published: hidden)" in client.get("/admin/menu").get_data(as_text=True)


def test_a_renamed_menu_shows_at_once_on_cached_pages(app, client, auth, make_post):
    make_post("Hello")
    reader = app.test_client()
    reader.get("/")
    assert reader.get("/").headers["X-Cache"] == "HIT"
    auth.login_through_session()
    add(client, target="home", label="Start")
    response = reader.get("/")
    assert response.headers["X-Cache"] == "MISS"
    assert header_links(response.get_data(as_text=True)) == [("Start", "/", True)]
