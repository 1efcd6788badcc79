"""Finding posts: archives, the sidebar, related posts, sitemap, robots, share meta, caching."""

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Comment, CommentStatus, PostStatus, utcnow
from tests.conftest import counting_queries, insert_comment, permalink

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def listed(html: str) -> list[str]:
    return re.findall(r'rel="bookmark">([^<]+)</a>', html)


def sidebar(html: str) -> str:
    return html[html.index('<aside class="sidebar"') :]


def add_comment(app, post_id: int, name: str, status=CommentStatus.APPROVED, **fields) -> int:
    fields = {
        "body": f"Words from {name}",
        "author_email": f"{name.lower()}@private.example",
        **fields,
    }
    return insert_comment(app, post_id, author_name=name, status=status, **fields)


def test_monthly_and_yearly_archives(client, make_post):
    make_post("March one", published_at=datetime(2024, 3, 5, 12, tzinfo=UTC))
    make_post("March two", published_at=datetime(2024, 3, 20, 12, tzinfo=UTC))
    make_post("July", published_at=datetime(2024, 7, 1, 0, 0, tzinfo=UTC))
    make_post("Last year", published_at=datetime(2023, 12, 31, 23, 59, tzinfo=UTC))
    make_post(
        "Draft in March", status=PostStatus.DRAFT, created_at=datetime(2024, 3, 6, tzinfo=UTC)
    )
    march = client.get("/2024/03/").get_data(as_text=True)
    assert "Archives: March 2024" in march
    assert listed(march) == ["March two", "March one"]
    assert listed(client.get("/2024/").get_data(as_text=True)) == ["July", "March two", "March one"]
    assert listed(client.get("/2023/12/").get_data(as_text=True)) == ["Last year"]
    for empty in ("/2024/04/", "/2022/", "/2024/13/", "/2024/00/", "/2024/03/?page=2"):
        assert client.get(empty).status_code == 404, empty


def test_archive_pages_paginate(app, client, make_post):
    app.config["POSTS_PER_PAGE"] = 2
    for day in range(1, 4):
        make_post(f"Day {day}", published_at=datetime(2024, 5, day, tzinfo=UTC))
    first = client.get("/2024/05/").get_data(as_text=True)
    assert listed(first) == ["Day 3", "Day 2"]
    assert '<link rel="next" href="http://localhost/2024/05/?page=2">' in first
    assert listed(client.get("/2024/05/?page=2").get_data(as_text=True)) == ["Day 1"]


def test_sidebar_lists_recent_posts_comments_tags_and_months(app, client, make_post):
    now = utcnow()
    post_id = make_post(
        "Tagged post", tags=["Python", "Web"], published_at=now - timedelta(days=40)
    )
    make_post("Another", tags=["Python"], published_at=now - timedelta(days=1))
    make_post("Hidden draft", tags=["Secret"], status=PostStatus.DRAFT)
    make_post("Future", tags=["Soon"], published_at=now + timedelta(days=3))
    comment_id = add_comment(app, post_id, "Carla")
    add_comment(app, post_id, "Pending Pete", status=CommentStatus.PENDING)
    html = sidebar(client.get("/").get_data(as_text=True))
    assert "Recent Posts" in html and "Another" in html and "Tagged post" in html
    assert "Hidden draft" not in html and "Future" not in html
    assert re.search(rf'Carla</span> on <a href="/comments/{comment_id}/">Tagged post</a>', html)
    assert "Pending Pete" not in html
    assert re.search(r'>Python</a> <span class="count">\(2\)</span>', html)
    assert re.search(r'>Web</a> <span class="count">\(1\)</span>', html)
    assert "Secret" not in html and "Soon" not in html
    older = now - timedelta(days=40)
    assert f'href="/{older:%Y/%m}/"' in html
    assert 'role="search"' in html


def test_comment_permalink_redirects_to_its_page(app, client, make_post):
    app.config["COMMENT_THREADS_PER_PAGE"] = 1
    post_id = make_post("Busy", slug="busy")
    first = add_comment(app, post_id, "One")
    add_comment(app, post_id, "Two")
    response = client.get(f"/comments/{first}/")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/busy/?cpage=1#comment-{first}")
    pending = add_comment(app, post_id, "Held", status=CommentStatus.PENDING)
    assert client.get(f"/comments/{pending}/").status_code == 404
    assert client.get("/comments/99999/").status_code == 404


def test_related_posts_share_the_most_tags_then_newest(client, make_post):
    now = utcnow()
    make_post("Subject", slug="subject", tags=["a", "b", "c"], published_at=now - timedelta(days=9))
    make_post("Shares three", tags=["a", "b", "c"], published_at=now - timedelta(days=8))
    make_post("Shares one, new", tags=["c"], published_at=now - timedelta(days=1))
    make_post("Shares two", tags=["a", "b"], published_at=now - timedelta(days=7))
    make_post("Shares one, old", tags=["a"], published_at=now - timedelta(days=6))
    make_post("Shares none", tags=["z"], published_at=now - timedelta(days=2))
    make_post("Draft shares all", tags=["a", "b", "c"], status=PostStatus.DRAFT)
    html = client.get(permalink(client, "Subject")).get_data(as_text=True)
    section = html[
        html.index('class="related-posts"') : html.index(
            "</section>", html.index('class="related-posts"')
        )
    ]
    assert re.findall(r'<a href="[^"]+">([^<]+)</a>', section) == [
        "Shares three", "Shares two", "Shares one, new"
    ]  # fmt: skip
    assert "[…]" in section and "<time datetime=" in section


def test_no_related_posts_without_tags(client, make_post):
    make_post("Lonely", body="words")
    assert "Related posts" not in client.get(permalink(client, "Lonely")).get_data(as_text=True)


def test_reading_time(client, make_post):
    make_post("Long read", body=" ".join(["word"] * 900))
    make_post("Short read", body="Just a few words.")
    assert "5 min read" in client.get(permalink(client, "Long read")).get_data(as_text=True)
    assert "1 min read" in client.get(permalink(client, "Short read")).get_data(as_text=True)


def test_share_meta_on_post_pages(client, make_post):
    make_post("Share me", slug="share-me", excerpt="A fine summary.")
    url = permalink(client, "Share me")
    html = client.get(url).get_data(as_text=True)
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Share me">' in html
    assert '<meta property="og:description" content="A fine summary.">' in html
    assert f'<meta property="og:url" content="http://localhost{url}">' in html
    assert '<meta property="og:site_name" content="My Blog">' in html
    assert '<meta property="article:published_time" content="' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="description" content="A fine summary.">' in html


def test_sitemap_lists_exactly_what_readers_can_see(client, make_post):
    make_post(
        "Public", slug="public", tags=["Shown"], published_at=datetime(2024, 2, 3, tzinfo=UTC)
    )
    make_post("Draft", slug="draft", tags=["Hidden"], status=PostStatus.DRAFT)
    make_post("Later", slug="later", tags=["Later"], published_at=utcnow() + timedelta(days=1))
    response = client.get("/sitemap.xml")
    assert response.content_type == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)  # noqa: S314  (our own output)
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    assert set(urls) == {
        "http://localhost/",
        "http://localhost/2024/02/public/",
        "http://localhost/tag/shown/",
        "http://localhost/2024/02/",
    }
    assert urls["http://localhost/2024/02/public/"].startswith(str(utcnow().year))


def test_robots_txt(client):
    response = client.get("/robots.txt")
    body = response.get_data(as_text=True)
    assert response.content_type == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


@pytest.mark.parametrize("url", ["/", "/tag/cached/", "/2024/06/", "/sitemap.xml", "/robots.txt"])
def test_public_pages_answer_conditional_requests(client, make_post, url):
    make_post("Cached", tags=["Cached"], published_at=datetime(2024, 6, 1, tzinfo=UTC))
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_pages_with_a_form_token_or_a_login_stay_private(client, auth, make_post):
    make_post("Form page")
    post_page = client.get(permalink(client, "Form page"))
    assert post_page.headers["Cache-Control"] == "private, no-cache"
    auth.login_through_session()
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_a_page_changes_its_etag_when_its_content_changes(app, client, make_post):
    make_post("First version", slug="first-version")
    etag = client.get("/").headers["ETag"]
    make_post("Second post")
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Second post" in response.get_data(as_text=True)


def build_blog(app, make_post, posts: int, comments_per_post: int) -> str:
    tags = [f"Tag {number}" for number in range(posts)]
    first_slug = None
    for number in range(posts):
        post_id = make_post(f"Post {number}", slug=f"post-{number}", tags=tags[: number % 4 + 1],
                            published_at=utcnow() - timedelta(days=number))  # fmt: skip
        first_slug = first_slug or f"post-{number}"
        with app.app_context():
            parent = None
            for index in range(comments_per_post):
                comment = Comment.reply_to(parent, post_id=post_id, author_name=f"Reader {index}",
                                           body="Hi", status="approved")  # fmt: skip
                db.session.add(comment)
                db.session.flush()
                parent = comment if index % 3 else None
            db.session.commit()
    return first_slug


def queries_per_page(app, client, urls: list[str]) -> dict[str, tuple[int, int]]:
    """Statements for each page rendered, then served again from the page cache.

    The sidebar is rendered once for each version of the site, so a first
    visit to another URL makes it before the page is counted (``?page=1``: a
    parameter in the page cache's key, unlike made-up ones, which share it).
    """
    counts = {}
    for url in urls:
        assert client.get(f"{url}?page=1").status_code == 200
        with counting_queries(app) as rendered:
            assert client.get(url).status_code == 200, url
        with counting_queries(app) as cached:
            assert client.get(url).status_code == 200, url
        counts[url] = (len(rendered), len(cached))
    return counts


def test_query_counts_stay_the_same_as_the_blog_grows(app, client, make_post):
    slug = build_blog(app, make_post, posts=3, comments_per_post=5)
    date = utcnow()
    urls = ["/", f"/{date:%Y/%m}/{slug}/", "/tag/tag-0/", f"/{date:%Y/%m}/"]
    small = queries_per_page(app, client, urls)
    with app.app_context():
        post_id = db.session.scalar(sa.text("SELECT id FROM posts WHERE slug = :s"), {"s": slug})
    for number in range(30):
        make_post(f"Extra {number}", tags=[f"Tag {number % 7}", "Extra"],
                  published_at=utcnow() - timedelta(hours=number + 1))  # fmt: skip
    with app.app_context():
        for index in range(100):
            db.session.add(Comment(post_id=post_id, author_name=f"More {index}", body="More",
                                   status="approved"))  # fmt: skip
        db.session.commit()
    large = queries_per_page(app, client, urls)
    assert large == small
    # Listing pages: one page of posts (no count of them all), authors, tags (the
    # tag page finds its tag first). The post page: the post with its author and
    # tags, and three for the discussion (its neighbours and related posts, like
    # the sidebar, are a fragment made once a version). Each rendered page also
    # asks whether the settings changed (blog/site/settings.py). From the page cache: none.
    assert small == {urls[0]: (4, 0), urls[1]: (7, 0), urls[2]: (5, 0), urls[3]: (4, 0)}


def test_feed_links_in_sidebar_and_footer(client, make_post):
    make_post("Any")
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/feed/">Posts feed (Atom)</a>' in sidebar(html)
    assert '<a href="/comments/feed/">Comments feed (Atom)</a>' in sidebar(html)
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/feed/">Feed</a>' in footer
