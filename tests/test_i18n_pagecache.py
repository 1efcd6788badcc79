"""The page cache keeps a page per language: a change of LANGUAGE never serves the old one."""

from datetime import UTC, datetime

from blog.pagecache.policy import policy
from tests.test_site_settings import save_settings_then_leave

NARROW_SPACE = "\N{NARROW NO-BREAK SPACE}"


def test_a_language_saved_in_settings_is_the_next_readers_language(app, client, make_post):
    make_post("Новости", published_at=datetime(2026, 12, 2, 12, tzinfo=UTC))
    assert client.get("/").headers["X-Cache"] == "MISS"
    assert client.get("/").headers["X-Cache"] == "HIT"
    save_settings_then_leave(client, language="ru")
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.headers["X-Cache"] == "MISS"
    assert '<html lang="ru" dir="ltr">' in html
    assert f"2 декабря 2026{NARROW_SPACE}г." in html and "December 2, 2026" not in html


def test_pages_and_the_sidebar_are_stored_for_each_language(app, make_post):
    # As another instance on the same store sees it once it took up the setting.
    make_post("Весна", published_at=datetime(2021, 3, 4, 12, tzinfo=UTC))
    reader = app.test_client()
    english = reader.get("/")
    assert reader.get("/").headers["X-Cache"] == "HIT"
    app.config["LANGUAGE"] = "ru"
    russian = reader.get("/")
    assert russian.headers["X-Cache"] == "MISS"
    assert f">март 2021{NARROW_SPACE}г.</a>" in russian.get_data(as_text=True)  # the sidebar
    assert f"4 марта 2021{NARROW_SPACE}г." in russian.get_data(as_text=True)
    app.config["LANGUAGE"] = "en"
    again = reader.get("/")
    assert again.headers["X-Cache"] == "HIT"
    assert again.get_data() == english.get_data()
    assert ">March 2021</a>" in again.get_data(as_text=True)


def test_a_fragment_made_in_the_admins_language_has_a_key_of_its_own(app):
    # The menu is on admin pages too, which follow the author's browser.
    app.config["LANGUAGE"] = "en"
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        public = policy().fragment_key("menu", localhost())
    with app.test_request_context("/admin/", headers={"Accept-Language": "ar"}):
        admin = policy().fragment_key("menu", localhost())
    with app.test_request_context("/admin/", headers={"Accept-Language": "en"}):
        english_admin = policy().fragment_key("menu", localhost())
    assert public != admin
    assert public.split(":")[2] == "en" and admin.split(":")[2] == "ar"
    assert english_admin == public


def localhost() -> dict:
    return {"wsgi.url_scheme": "http", "HTTP_HOST": "localhost"}
