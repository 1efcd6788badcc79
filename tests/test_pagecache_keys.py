"""What a stranger can send never grows the store or changes what another reader gets."""

import ast
import http.client
import json
import re
import uuid
from datetime import timedelta

import pytest
import redis

from blog import create_app, pagecache
from blog.config import ConfigurationError
from blog.models import utcnow
from blog.pagecache.policy import QUERY_PARAMETERS
from tests import live_server as live
from tests.conftest import app_config, empty_database, permalink, post_form
from tests.live_server import ROOT
from tests.test_pagecache import comment_on, page, queries_for


@pytest.fixture
def disk_app(database_url, tmp_path):
    """The app on the embedded default store, in a folder of its own."""
    app = create_app(app_config(database_url, CACHE_TYPE="DiskCache", CACHE_DIR=str(tmp_path)))
    yield app
    empty_database(app)


def stored_entries(app) -> int:
    return pagecache.stats(app)["entries"]


def test_junk_query_parameters_store_nothing_and_get_the_stored_page(disk_app, make_post):
    make_post("Canonical")
    reader = disk_app.test_client()
    home = page(reader, "/")
    entries = stored_entries(disk_app)
    for number in range(200):
        junk = f"/?utm_source={number}&fbclid=x{number}&made_up={number}"
        assert page(reader, junk) == home
    assert stored_entries(disk_app) == entries
    assert queries_for(disk_app, reader, "/?utm_campaign=winter") == 0


def test_the_parameters_pages_read_still_make_pages_of_their_own(app, make_post):
    for number in range(12):
        make_post(f"Post {number}")
    reader = app.test_client()
    assert "Post 0" not in page(reader, "/?page=1") and "Post 0" in page(reader, "/?page=2")
    assert "Post 0" in page(reader, "/?utm_source=x&page=2")


def test_a_thousand_made_up_hosts_store_nothing(disk_app, make_post):
    make_post("Hosted")
    reader = disk_app.test_client()
    page(reader, "/")
    entries = stored_entries(disk_app)
    for number in range(1000):
        response = reader.get("/", headers={"Host": f"junk{number}.example"})
        assert response.status_code == 200
        assert f"junk{number}.example" in response.get_data(as_text=True)  # its own page
    for host in ("LOCALHOST", "localhost:1", "localhost:65535"):
        reader.get("/", headers={"Host": host})
    assert stored_entries(disk_app) == entries


def test_an_untrusted_host_is_a_400_before_anything_is_rendered(database_url, make_post):
    make_post("Trusted")
    app = create_app(app_config(database_url, TRUSTED_HOSTS=["blog.example", "localhost"]))
    reader = app.test_client()
    assert reader.get("/", headers={"Host": "blog.example"}).status_code == 200
    refused = reader.get("/", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)


def test_trusted_hosts_from_the_environment_are_a_list(monkeypatch, tmp_path):
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BLOG_TRUSTED_HOSTS", "blog.example, www.blog.example")
    assert create_app().config["TRUSTED_HOSTS"] == ["blog.example", "www.blog.example"]


def test_production_refuses_to_start_without_its_host_name(monkeypatch, tmp_path):
    monkeypatch.setenv("BLOG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BLOG_PRODUCTION", "true")
    monkeypatch.setenv("BLOG_SECRET_KEY", "a long and random production key")
    with pytest.raises(ConfigurationError, match="TRUSTED_HOSTS"):
        create_app()
    monkeypatch.setenv("BLOG_TRUSTED_HOSTS", "blog.example")
    assert create_app().config["TRUSTED_HOSTS"] == ["blog.example"]


def test_a_new_comment_leaves_other_pages_stored(app, make_post):
    """Narrow invalidation: the home page and other posts are not made again."""
    talk = make_post("Talk")
    make_post("Quiet")
    reader = app.test_client()
    talk_url, quiet_url = permalink(reader, "Talk"), permalink(reader, "Quiet")
    for url in ("/", talk_url, quiet_url):
        page(reader, url)
    comment_on(app, talk, name="Nina")
    assert "Words by Nina." in page(reader, talk_url)
    home, quiet = page(reader, "/"), page(reader, quiet_url)
    assert "Nina" in home and "Nina" in quiet  # the sidebar's recent comments...
    statements = queries_for(app, reader, "/") + queries_for(app, reader, quiet_url)
    assert statements == 0  # ...spliced into pages that were not made again


def test_cached_views_read_only_the_parameters_in_the_key():
    """A view reading a parameter left out of the key would be served another's page."""
    read = set()
    for name in ("posts/views.py", "feeds.py", "discovery.py", "redirects.py", "pagination.py"):
        tree = ast.parse((ROOT / "blog" / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                function = ast.unparse(node.func)
                if function in ("request.args.get", "page_arg"):
                    read.add(node.args[0].value)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "request.args":
                read.add(node.slice.value)
    assert "page" in QUERY_PARAMETERS and read <= QUERY_PARAMETERS, read - QUERY_PARAMETERS
    sources = "".join((ROOT / "blog" / name).read_text() for name in ("posts/views.py", "feeds.py"))
    assert not re.search(r"request\.(args|url|full_path|query_string)\b(?!\.get|\[)", sources)


# --- Under gunicorn: headers a stranger sends ------------------------------------

ADDRESS_HEADERS = {
    "SCRIPT_NAME": "//evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "//evil.example",
    "X-Forwarded-Proto": "https",
    "Forwarded": "host=evil.example;proto=https",
}


def fetch(server: str, path: str, headers: dict | None = None) -> tuple[int, str]:
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def blog_with_a_post(live_server):
    env = live_server.env
    live.flask(env, "shell", stdin=(
        "from blog.models import Post, User, PostStatus, utcnow\n"
        "from blog.extensions import db\n"
        "from datetime import timedelta\n"
        "import sqlalchemy as sa\n"
        "author = db.session.scalar(sa.select(User))\n"
        "db.session.add(Post(title='Headers', slug='headers', body='Text.', author_id=author.id,"
        " status=PostStatus.PUBLISHED, published_at=utcnow() - timedelta(minutes=1)))\n"
        "db.session.commit()\n"))  # fmt: skip
    return live_server


@pytest.mark.slow
@pytest.mark.parametrize("header", ADDRESS_HEADERS)
def test_address_headers_never_change_another_readers_page(blog_with_a_post, header):
    server = blog_with_a_post.url
    _, home = fetch(server, "/")
    post_path = re.search(r'href="(/\d{4}/\d{2}/headers/)"', home).group(1)
    paths = ("/", post_path, "/feed/", "/sitemap.xml", "/tag/nothing/")
    # A new version of the site, then the stranger's requests come first.
    live.flask(blog_with_a_post.env, "shell", stdin=(
        "from blog.models import Post\nfrom blog.extensions import db\nimport sqlalchemy as sa\n"
        "post = db.session.scalar(sa.select(Post).where(Post.slug == 'headers'))\n"
        f"post.body = 'Text {header}.'\ndb.session.commit()\n"))  # fmt: skip
    for path in paths:  # nothing trusts these headers here: not even their sender's page moves
        assert "evil.example" not in fetch(server, path, {header: ADDRESS_HEADERS[header]})[1]
    for path in paths:
        _, body = fetch(server, path)
        assert "evil.example" not in body, (header, path)
        assert server.replace("http://", "https://") not in body, (header, path)
        assert f"{server}/" in body or path == "/tag/nothing/", (header, path)  # absolute links
    assert f"Text {header}." in fetch(server, post_path)[1]


def test_responses_say_whether_they_came_from_the_store(app, make_post):
    make_post("Counted")
    reader = app.test_client()
    assert reader.get("/").headers["X-Cache"] == "MISS"
    assert reader.get("/").headers["X-Cache"] == "HIT"  # from the Flask hooks (a session)...
    assert app.test_client().get("/").headers["X-Cache"] == "HIT"  # ...and before Flask
    assert "X-Cache" not in reader.get("/login").headers  # never cached


def test_cache_stats_reports_the_store_and_its_bounds(disk_app, make_post):
    make_post("Stats")
    disk_app.test_client().get("/")
    result = disk_app.test_cli_runner().invoke(args=["cache-stats"])
    stats = json.loads(result.output)
    assert stats["entries"] == 3  # the home page, its sidebar and the menu
    assert stats["max_bytes"] == 256 * 1024 * 1024 and 0 < stats["bytes"] < stats["max_bytes"]


def test_on_redis_pages_expire_and_versions_never_do(database_url, make_post):
    prefix = f"test-{uuid.uuid4().hex}:"
    app = create_app(app_config(database_url, CACHE_TYPE="RedisCache",
                                CACHE_REDIS_URL="redis://127.0.0.1:6379/0",
                                CACHE_KEY_PREFIX=prefix))  # fmt: skip
    make_post("Redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        reader = app.test_client()
        page(reader, "/")
        assert reader.get("/").headers["X-Cache"] == "HIT"
        keys = {key.decode().removeprefix(prefix): client.ttl(key)
                for key in client.scan_iter(match=f"{prefix}*")}  # fmt: skip
        assert keys["version:site"] == -1  # no expiry: never evicted under volatile-lru
        pages = [ttl for key, ttl in keys.items() if not key.startswith("version:")]
        assert pages and all(0 < ttl <= 3600 for ttl in pages)
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def test_behind_a_proxy_a_forwarded_host_gets_its_own_page_and_stores_nothing(
    database_url, tmp_path, make_post
):
    app = create_app(app_config(database_url, PROXY_FIX_HOPS=1, CACHE_TYPE="DiskCache",
                                CACHE_DIR=str(tmp_path)))  # fmt: skip
    make_post("Proxied")
    page(app.test_client(), "/feed/")
    entries = stored_entries(app)
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/evil"}
    for url in ("/", "/feed/", "/sitemap.xml"):
        app.test_client().get(url, headers=forged)
    assert stored_entries(app) == entries
    for url in ("/", "/feed/", "/sitemap.xml"):
        assert "evil" not in page(app.test_client(), url), url


def test_a_script_root_gets_pages_and_a_sidebar_of_its_own(app, make_post):
    make_post("Rooted", tags=["Roots"])
    for url in ("/", "/tag/roots/", "/feed/"):
        mounted = app.test_client().get(url, base_url="http://localhost/mounted/")
        assert 'href="/mounted/' in mounted.get_data(as_text=True) or url == "/feed/"
        assert "/mounted/" not in page(app.test_client(), url), url


def test_a_new_post_leaves_other_post_pages_stored_with_new_neighbours(app, make_post):
    make_post("Older", tags=["Shared"])
    reader = app.test_client()
    older_url = permalink(reader, "Older")
    assert "Next post" not in page(reader, older_url)
    make_post("Newer", tags=["Shared"])
    response = reader.get(older_url)
    assert response.headers["X-Cache"] == "HIT"  # the page was not made again...
    html = response.get_data(as_text=True)
    assert "Next post: <a" in html and ">Newer</a>" in html  # ...its neighbours were
    assert "Related posts" in html
    assert "Newer" in page(reader, "/")  # and the lists show it


def test_a_new_post_renews_only_the_lists_that_show_it(app, make_post):
    long_ago = utcnow() - timedelta(days=400)
    make_post("Old garden", tags=["Garden"], published_at=long_ago)
    make_post("Old river", tags=["River"], published_at=long_ago)
    reader = app.test_client()
    elsewhere = ("/tag/river/", f"/{long_ago:%Y/%m}/", f"/{long_ago:%Y}/")
    for url in ("/", "/tag/garden/", *elsewhere):
        page(reader, url)
    make_post("New garden", tags=["Garden"])
    for url in elsewhere:  # other tags, other months: still stored
        assert reader.get(url).headers["X-Cache"] == "HIT", url
    for url in ("/", "/tag/garden/", f"/{utcnow():%Y/%m}/"):
        assert "New garden" in page(reader, url), url


LISTED = 'rel="bookmark">Moving<'  # the post in a page's list of posts


def test_an_edited_post_leaves_its_old_tag_and_month(app, client, auth, make_post):
    reader = app.test_client()
    long_ago = utcnow() - timedelta(days=400)
    post_id = make_post("Moving", tags=["Before"], published_at=long_ago)
    old_month = f"/{long_ago:%Y/%m}/"
    assert LISTED in page(reader, "/tag/before/") and LISTED in page(reader, old_month)
    auth.login()
    response = post_form(client, f"/admin/posts/{post_id}/edit", {
        "title": "Moving", "slug": "moving", "body": "Words.", "excerpt": "", "tags": "After",
        "status": "published", "published_at": utcnow().strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert LISTED not in page(reader, "/tag/before/")  # (the sidebar still has it)
    assert reader.get(old_month).status_code == 404  # nothing left that month
    assert LISTED in page(reader, "/tag/after/")


def test_a_store_that_keeps_nothing_still_serves_every_page(database_url, make_post):
    app = create_app(app_config(database_url, CACHE_TYPE="NullCache", CACHE_NO_NULL_WARNING=True))
    make_post("Unstored", tags=["Nowhere"])
    reader = app.test_client()
    for url in ("/", permalink(reader, "Unstored"), "/tag/nowhere/", "/feed/", "/sitemap.xml"):
        assert reader.get(url).status_code == 200, url
        assert reader.get(url).headers["X-Cache"] == "MISS", url


def test_made_up_slugs_tags_and_months_store_nothing(disk_app, make_post):
    """Pages name their topics from the URL before the look-up: no row for each guess."""
    make_post("Real", tags=["Real"])
    reader = disk_app.test_client()
    page(reader, "/")
    before = pagecache.stats(disk_app)
    for number in range(300):
        for url in (f"/2026/12/made-up-{number}/", f"/tag/made-up-{number}/",
                    f"/2026/12/made-up-{number}/feed/", f"/{1000 + number}/01/"):  # fmt: skip
            assert reader.get(url).status_code == 404, url
    after = pagecache.stats(disk_app)
    assert (after["entries"], after["pinned"]) == (before["entries"], before["pinned"])
