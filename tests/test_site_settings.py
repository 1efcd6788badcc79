"""Settings at /admin/settings: stored in the database, fixed by the environment."""

import json
import re

import pytest

from blog import create_app
from blog.extensions import db
from blog.site import settings
from tests.conftest import TEST_HASH_METHOD, AuthActions, app_config, post_form

EVERY_SETTING = {
    "site_title": "Notes from the Garden",
    "site_tagline": "Seeds and weeds",
    "site_description": "A gardener's blog.",
    "posts_per_page": "3",
    "time_zone": "Europe/Paris",
    "language": "fr",
    "feed_full_content": "",  # unchecked: not sent
    "comment_hold_first": "",
    "comment_max_links": "4",
    "comment_moderation_words": "casino\nfree money",
    "comment_disallowed_words": "viagra",
    "comment_min_seconds": "5",
    "comment_rate_limit": "10 per hour",
    "comment_max_depth": "3",
    "comment_close_after_days": "30",
    "comment_threads_per_page": "20",
    "comment_default_page": "oldest",
}
EXPECTED_CONFIG = {
    "SITE_TITLE": "Notes from the Garden",
    "SITE_TAGLINE": "Seeds and weeds",
    "SITE_DESCRIPTION": "A gardener's blog.",
    "POSTS_PER_PAGE": 3,
    "TIME_ZONE": "Europe/Paris",
    "LANGUAGE": "fr",
    "FEED_FULL_CONTENT": False,
    "COMMENT_HOLD_FIRST": False,
    "COMMENT_MAX_LINKS": 4,
    "COMMENT_MODERATION_WORDS": ["casino", "free money"],
    "COMMENT_DISALLOWED_WORDS": ["viagra"],
    "COMMENT_MIN_SECONDS": 5,
    "COMMENT_RATE_LIMIT": "10 per hour",
    "COMMENT_MAX_DEPTH": 3,
    "COMMENT_CLOSE_AFTER_DAYS": 30,
    "COMMENT_THREADS_PER_PAGE": 20,
    "COMMENT_DEFAULT_PAGE": "oldest",
}


def sent(**overrides) -> dict:
    data = {**EVERY_SETTING, **overrides, "save": "Save settings"}
    return {key: value for key, value in data.items() if value != ""}


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match and match.group(1)


def config_in_a_request(app) -> dict:
    with app.test_request_context("/"):
        app.preprocess_request()
        return settings.current()


def test_settings_need_a_login(client):
    for method in (client.get, client.post):
        response = method("/admin/settings")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_the_form_shows_the_settings_in_force(client, auth):
    auth.login_through_session()
    html = client.get("/admin/settings").get_data(as_text=True)
    assert input_value(html, "site_title") == "My Blog"
    assert input_value(html, "comment_rate_limit") == ""  # the test config
    assert "Fixed by" not in html


def test_every_setting_through_the_form(app, client, auth):
    auth.login_through_session()
    response = post_form(client, "/admin/settings", sent(), follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    assert config_in_a_request(app) == EXPECTED_CONFIG
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in home
    assert "Notes from the Garden" in home and "Seeds and weeds" in home
    # And the form shows them back.
    html = client.get("/admin/settings").get_data(as_text=True)
    assert "casino\nfree money</textarea>" in html
    assert input_value(html, "time_zone") == "Europe/Paris"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("posts_per_page", "many", "Please give a whole number from 1 to 100."),
        ("posts_per_page", "0", "Please give a whole number from 1 to 100."),
        ("comment_max_depth", "99", "Please give a whole number from 1 to 10."),
        ("time_zone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone."),
        ("language", "english please", "Use a language tag such as en, fr or pt-BR."),
        ("comment_rate_limit", "lots per fortnight", "such as “5 per minute”"),
        ("site_title", "", "This field is required."),
        ("comment_default_page", "middle", "Not a valid choice."),
    ],
)
def test_bad_values_are_refused_with_the_text_kept(app, client, auth, field, value, message):
    auth.login_through_session()
    response = post_form(
        client, "/admin/settings", {**sent(site_tagline="Kept tagline"), field: value}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert input_value(html, "site_tagline") == "Kept tagline"
    if value and field != "comment_default_page":
        assert value in html
    assert config_in_a_request(app)["SITE_TAGLINE"] == "Just another Flask blog"


def test_a_missing_csrf_token_keeps_the_text_and_saves_nothing(app, client, auth):
    auth.login_through_session()
    response = client.post("/admin/settings", data=sent(site_title="Typed title"))
    assert response.status_code == 422
    assert input_value(response.get_data(as_text=True), "site_title") == "Typed title"
    assert config_in_a_request(app)["SITE_TITLE"] == "My Blog"


def save_settings_then_leave(client, **fields) -> None:
    """Save settings as the author, then come back as a reader (no session cookie)."""
    AuthActions(client).login()
    post_form(client, "/admin/settings", sent(**fields))
    AuthActions(client).logout()
    client.delete_cookie("session")


def test_a_saved_title_renews_the_cached_pages(client, auth, make_post):
    make_post("Hello world")
    assert client.get("/").headers["X-Cache"] == "MISS"
    assert client.get("/").headers["X-Cache"] == "HIT"
    save_settings_then_leave(client, site_title="Renamed")
    response = client.get("/")
    assert response.headers["X-Cache"] == "MISS"
    assert "Renamed" in response.get_data(as_text=True)


def test_two_instances_on_one_database_see_a_change_without_restart(
    database_url, author, tmp_path, app
):
    # Two deployments of the blog sharing the database and the page store, as
    # gunicorn workers or machines behind one load balancer do.
    shared_store = {"CACHE_TYPE": "DiskCache", "CACHE_DIR": str(tmp_path / "store")}
    first = create_app(app_config(database_url, **shared_store))
    second = create_app(app_config(database_url, **shared_store))
    reader = second.test_client()
    assert "My Blog" in reader.get("/").get_data(as_text=True)
    reader.get("/")  # now stored
    writer = first.test_client()
    AuthActions(writer).login()
    post_form(writer, "/admin/settings", sent(site_title="Seen everywhere"))
    assert "Seen everywhere" in reader.get("/").get_data(as_text=True)
    assert config_in_a_request(second)["COMMENT_MAX_DEPTH"] == 3
    for instance in (first, second):
        with instance.app_context():
            db.engine.dispose()


@pytest.fixture
def deployed(database_url, author, tmp_path, monkeypatch, app):
    """The blog as gunicorn starts it: an instance/config.py and BLOG_* variables."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('COMMENT_DEFAULT_PAGE = "oldest"\n')
    environment = {
        "BLOG_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "BLOG_SECRET_KEY": "a secret key of the environment",
        "BLOG_CACHE_TYPE": "SimpleCache",
        "BLOG_RATELIMIT_STORAGE_URI": "memory://",
        "BLOG_PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "BLOG_COMMENT_MIN_SECONDS": "0",
        "BLOG_SITE_TITLE": "Title from the environment",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    deployed = create_app(None)
    yield deployed
    with deployed.app_context():
        db.engine.dispose()


def test_the_environment_and_instance_config_win_and_show_as_fixed(deployed):
    client = deployed.test_client()
    AuthActions(client).login()
    html = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="site_title"' not in html
    assert "Title from the environment" in html
    assert "Fixed by the environment variable BLOG_SITE_TITLE" in html
    assert "Fixed by instance/config.py" in html
    assert 'name="comment_default_page"' not in html
    response = post_form(
        client,
        "/admin/settings",
        {**sent(site_title="Typed over it", site_tagline="Stored tagline"), "x": ""},
    )
    assert response.status_code == 302
    effective = config_in_a_request(deployed)
    assert effective["SITE_TITLE"] == "Title from the environment"
    assert effective["COMMENT_DEFAULT_PAGE"] == "oldest"
    assert effective["SITE_TAGLINE"] == "Stored tagline"


def test_the_backup_holds_the_settings(app, client, auth, runner, tmp_path):
    auth.login_through_session()
    post_form(client, "/admin/settings", sent())
    result = runner.invoke(args=["export", str(tmp_path / "backup.json")])
    assert result.exit_code == 0, result.output
    backup = json.loads((tmp_path / "backup.json").read_text())
    [row] = backup["site_settings"]
    assert row["values"]["SITE_TITLE"] == "Notes from the Garden"
    assert row["values"]["COMMENT_MODERATION_WORDS"] == ["casino", "free money"]


def test_a_form_with_fields_missing_is_refused_not_a_server_error(app, client, auth):
    auth.login_through_session()
    response = post_form(client, "/admin/settings", {"save": "Save settings"})
    assert response.status_code == 422
    assert config_in_a_request(app)["SITE_TITLE"] == "My Blog"
