"""Static files: versioned URLs, a year in the browser's cache, a new URL on every change."""

import hashlib
import os
import re
from pathlib import Path

from markupsafe import Markup

from blog.templating import ASSET_MAX_AGE, keyboard_scrollable
from tests.conftest import permalink

STATIC = Path(__file__).resolve().parent.parent / "static"
ASSET = re.compile(r'(?:href|src)="(/static/([^"?]+)\?v=([0-9a-f]+))"')


def version_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def test_pages_link_every_asset_by_a_hash_of_its_bytes(client, make_post):
    make_post("Hello")
    pages = client.get("/").get_data(as_text=True) + client.get(
        permalink(client, "Hello")
    ).get_data(as_text=True)
    found = {name: version for _, name, version in ASSET.findall(pages)}
    assert found == {
        "css/blog.css": version_of(STATIC / "css" / "blog.css"),
        "favicon.svg": version_of(STATIC / "favicon.svg"),
        "js/comment-reply.js": version_of(STATIC / "js" / "comment-reply.js"),
    }
    # No unversioned link to a static file anywhere.
    assert not re.search(r'(?:href|src)="/static/[^"?]+"', pages)


def test_versioned_static_files_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    for url, _, _ in ASSET.findall(html):
        response = client.get(url)
        assert response.status_code == 200
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == ASSET_MAX_AGE >= 31536000
        assert not cache.no_cache
        response.close()


def test_unversioned_or_outdated_urls_are_revalidated(client):
    for url in ("/static/css/blog.css", "/static/css/blog.css?v=0123456789"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.max_age
        assert not response.cache_control.immutable
        response.close()


def test_the_url_changes_when_the_file_changes(app, tmp_path):
    (tmp_path / "css").mkdir()
    css = tmp_path / "css" / "blog.css"
    css.write_text("body { color: black; }")
    app.static_folder = str(tmp_path)
    client = app.test_client()
    with app.test_request_context():
        from blog.templating import asset_url

        first = asset_url("css/blog.css")
        assert first == f"/static/css/blog.css?v={version_of(css)}"
        assert asset_url("css/blog.css") == first
        css.write_text("body { color: navy; }")
        stat = css.stat()
        os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        second = asset_url("css/blog.css")
    assert second != first and second.endswith(version_of(css))
    fresh = client.get(second)
    assert fresh.get_data() == b"body { color: navy; }"
    assert fresh.cache_control.max_age == ASSET_MAX_AGE
    fresh.close()
    stale = client.get(first)  # an old page asking for the old version
    assert not stale.cache_control.max_age
    stale.close()


def test_code_blocks_and_tables_can_be_scrolled_with_the_keyboard():
    html = Markup('<pre><code>x</code></pre><p>&lt;pre&gt; and <a title="&lt;table&gt;">')
    html += Markup("a</a></p><table><tbody><tr><td>1</td></tr></tbody></table>")
    assert keyboard_scrollable(html) == (
        '<pre tabindex="0"><code>x</code></pre><p>&lt;pre&gt; and <a title="&lt;table&gt;">'
        'a</a></p><table tabindex="0"><tbody><tr><td>1</td></tr></tbody></table>'
    )
    # Text that was not marked safe is escaped, never trusted.
    assert keyboard_scrollable("<pre><script>") == "&lt;pre&gt;&lt;script&gt;"
