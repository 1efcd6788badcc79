"""The reader's pages: home, post, tag, pagination, drafts and scheduling."""

import re
from datetime import timedelta

import pytest

from blog.models import PostStatus, utcnow
from tests.conftest import permalink


def listed(html: str) -> list[str]:
    """The titles of the entries a list page shows (not the sidebar's)."""
    return re.findall(r'rel="bookmark">([^<]+)</a>', html)


def test_home_page_lists_published_posts_newest_first(client, make_post):
    now = utcnow()
    make_post("Older post", published_at=now - timedelta(days=2))
    make_post("Newer post", published_at=now - timedelta(days=1))
    html = client.get("/").get_data(as_text=True)
    assert html.index("Newer post") < html.index("Older post")
    assert "<time datetime=" in html
    assert "Ada Author" in html


def test_home_page_hides_drafts_and_scheduled_posts(client, make_post):
    make_post("Visible")
    make_post("A draft", status=PostStatus.DRAFT)
    make_post("Scheduled", published_at=utcnow() + timedelta(days=1))
    html = client.get("/").get_data(as_text=True)
    assert "Visible" in html
    assert "A draft" not in html
    assert "Scheduled" not in html


def test_empty_blog_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing has been published yet." in response.get_data(as_text=True)


def test_pagination_links_and_bounds(app, client, make_post):
    app.config["POSTS_PER_PAGE"] = 2
    for day in range(5):
        make_post(f"Post {day}", published_at=utcnow() - timedelta(days=day + 1))
    first = client.get("/").get_data(as_text=True)
    assert listed(first) == ["Post 0", "Post 1"]
    assert "Older posts" in first and "Newer posts" not in first
    assert '<link rel="next" href="http://localhost/?page=2">' in first
    third = client.get("/?page=3").get_data(as_text=True)
    assert listed(third) == ["Post 4"]
    assert "Newer posts" in third and "Older posts" not in third
    assert 'rel="canonical" href="http://localhost/?page=3"' in third
    assert '<link rel="prev" href="http://localhost/?page=2">' in third
    second = client.get("/?page=2").get_data(as_text=True)
    assert '<link rel="prev" href="http://localhost/">' in second
    assert client.get("/?page=4").status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1.5", ""])
def test_bad_page_numbers_are_404_not_500(client, make_post, page):
    make_post()
    assert client.get(f"/?page={page}").status_code == 404


def test_excerpt_with_continue_reading(client, make_post):
    long_body = " ".join(f"word{number}" for number in range(80))
    make_post("Long one", body=long_body)
    make_post("Teaser", body="Before the fold.\n\n<!--more-->\n\nAfter the fold.")
    make_post("Short one", body="Just this.")
    html = client.get("/").get_data(as_text=True)
    assert "word54 […]" in html and "word55" not in html
    assert "Before the fold." in html and "After the fold." not in html
    assert html.count("Continue reading") == 2


def test_post_page_shows_everything_a_reader_needs(client, make_post):
    make_post(
        "My post", body="# Heading\n\nHello **world**.", tags=["Python", "Web Dev"], slug="my-post"
    )
    url = permalink(client, "My post")
    assert re.fullmatch(r"/\d{4}/\d{2}/my-post/", url)
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 class="post-title">My post</h1>' in html
    assert "<strong>world</strong>" in html
    assert 'href="/tag/python/"' in html and 'href="/tag/web-dev/"' in html
    assert f'<link rel="canonical" href="http://localhost{url}">' in html
    assert html.count("<h1") == 1
    assert "<main" in html and "<nav" in html and "<article" in html


def test_post_with_wrong_date_in_url_redirects_to_permalink(client, make_post):
    make_post("Moved", slug="moved")
    url = permalink(client, "Moved")
    response = client.get("/1999/01/moved/")
    assert response.status_code == 301
    assert response.headers["Location"] == url


def test_previous_and_next_links(client, make_post):
    now = utcnow()
    make_post("First", published_at=now - timedelta(days=3))
    make_post("Second", published_at=now - timedelta(days=2))
    make_post("Third", published_at=now - timedelta(days=1))
    html = client.get(permalink(client, "Second")).get_data(as_text=True)
    assert re.search(r"Previous post: <a [^>]*>First</a>", html)
    assert re.search(r"Next post: <a [^>]*>Third</a>", html)


@pytest.mark.parametrize("days_ahead", [None, 30], ids=["draft", "scheduled"])
def test_unpublished_posts_are_404_for_readers_but_shown_to_the_author(
    client, auth, make_post, days_ahead
):
    if days_ahead is None:
        make_post("Hidden", slug="hidden", status=PostStatus.DRAFT)
        dated = utcnow()  # a draft is dated by its creation
    else:
        dated = utcnow() + timedelta(days=days_ahead)
        make_post("Hidden", slug="hidden", published_at=dated)
    url = f"/{dated:%Y/%m}/hidden/"
    assert client.get(url).status_code == 404
    auth.login()
    response = client.get(url)
    assert response.status_code == 200
    assert "not published" in response.get_data(as_text=True)


def test_unknown_post_is_a_friendly_404(client):
    response = client.get("/2026/01/no-such-post/")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Sorry, there is nothing here" in html
    assert 'class="site-header"' in html


def test_tag_page_lists_only_its_published_posts(client, make_post):
    make_post("Tagged", tags=["Python"])
    make_post("Other", tags=["Cooking"])
    make_post("Draft tagged", tags=["Python"], status=PostStatus.DRAFT)
    response = client.get("/tag/python/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tag: Python" in html
    assert listed(html) == ["Tagged"]
    assert "Draft tagged" not in html
    assert client.get("/tag/unknown/").status_code == 404
    assert client.get("/tag/python/?page=2").status_code == 404


def test_stored_html_is_shown_and_titles_are_escaped(client, make_post):
    make_post("<script>alert(1)</script>", slug="xss", body="<img src=x onerror=alert(1)>")
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror" not in html


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client, make_post):
    make_post("Styled", body="| a | b |\n|--:|:-:|\n| 1 | 2 |")
    html = client.get(permalink(client, "Styled")).get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.DOTALL)
    assert scripts == [""]  # one script file, nothing inline
    assert re.search(r'<script src="/static/js/comment-reply\.js\?v=[0-9a-f]{10}" defer>', html)
    assert "<style" not in html and "style=" not in html
    assert 'class="align-right"' in html


def test_static_files_are_served(client):
    response = client.get("/static/css/blog.css")
    assert response.status_code == 200
    assert "prefers-color-scheme" in response.get_data(as_text=True)
    response.close()
