"""Atom feeds: what they list, that every reader can parse them, and what they never show."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest
import sqlalchemy as sa
from lxml import etree

from blog import create_app
from blog.extensions import db
from blog.models import Comment, CommentStatus, Post, PostStatus, Tag, utcnow
from blog.urls import post_feed_url, post_url
from tests.conftest import app_config, counting_queries, insert_comment, permalink

ATOM = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
TAG_ID = re.compile(r"tag:localhost,\d{4}(-\d\d-\d\d)?:[a-z]+(/\d+)*(/comments)?")
# Characters XML 1.0 does not allow in a document, and DEL. Not NUL:
# PostgreSQL cannot store it in a text column.
CONTROLS = "".join(chr(code) for code in [*range(1, 9), 11, 12, *range(14, 32), 127])
CONTROLS += "\ufffe\uffff"
STRAY = re.compile("[" + re.escape(CONTROLS) + "]")


# --- Reading a feed the way readers do ----------------------------------------


def parse(response):
    """The feed as feedparser and lxml see it, after checking what every feed must be."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == CONTENT_TYPE
    parsed = feedparser.parse(
        response.data, response_headers={"content-type": response.headers["Content-Type"]}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"

    root = etree.fromstring(response.data)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(ATOM + name) or "").strip(), f"the feed has no <{name}>"
    rels = {link.get("rel") for link in root.findall(ATOM + "link")}
    assert {"alternate", "self"} <= rels
    entries = root.findall(ATOM + "entry")
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(ATOM + name) is not None, f"an entry has no <{name}>"
        assert (entry.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
        ids.append(entry.findtext(ATOM + "id"))
        assert TAG_ID.fullmatch(ids[-1]), ids[-1]
        assert parse_date(entry.findtext(ATOM + "updated"))
    assert len(set(ids)) == len(ids), ids
    assert TAG_ID.fullmatch(root.findtext(ATOM + "id"))
    for element in root.iter():
        for name in ("href", XML_BASE):
            if element.get(name) is not None:
                assert element.get(name).startswith("http://localhost/"), element.get(name)
    assert len(parsed.entries) == len(entries)
    return parsed, root


def entries(root) -> list:
    return root.findall(ATOM + "entry")


def titles(root) -> list[str]:
    return [entry.findtext(ATOM + "title") for entry in entries(root)]


def links(root) -> list[str]:
    return [entry.find(ATOM + "link[@rel='alternate']").get("href") for entry in entries(root)]


def parse_date(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def feed(client, url: str):
    return parse(client.get(url))[1]


# --- Writing the data -----------------------------------------------------------


def add_comment(app, post_id: int, name: str = "Reader", body: str = "A comment.", **fields) -> int:
    fields = {"author_email": "reader@example.com", "status": CommentStatus.APPROVED, **fields}
    return insert_comment(app, post_id, author_name=name, body=body, **fields)


def ago(minutes: float) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def post_links(app, *post_ids: int) -> list[str]:
    with app.test_request_context():
        return [post_url(db.session.get(Post, post_id), _external=True) for post_id in post_ids]


def feed_url_of(app, post_id: int) -> str:
    with app.test_request_context():
        return post_feed_url(db.session.get(Post, post_id))


@pytest.fixture
def blog(app, make_post):
    """A little of everything: posts with a tag, comments, and what must stay hidden."""
    first = make_post("First post", tags=["News"], published_at=ago(300))
    second = make_post("Second post", tags=["News", "Misc"], published_at=ago(200))
    make_post("A draft", status=PostStatus.DRAFT, tags=["News"])
    make_post("Scheduled", published_at=utcnow() + timedelta(days=1), tags=["News"])
    add_comment(app, first, "Ann", "First!", created_at=ago(100))
    add_comment(app, second, "Bob", "Nice.", created_at=ago(50))
    with app.app_context():
        # Last edited a while ago, so a change now shows in Last-Modified (whole seconds).
        db.session.execute(sa.update(Post).values(updated_at=ago(150)))
        db.session.commit()
    return {
        "site": "/feed/",
        "tag": "/tag/news/feed/",
        "post_comments": feed_url_of(app, first),
        "comments": "/comments/feed/",
    }


FEEDS = ("site", "tag", "post_comments", "comments")


# --- What each feed lists ---------------------------------------------------------


def test_site_feed_lists_published_posts_newest_first(app, client, make_post):
    old = make_post("Old", body="Old *body*.", published_at=ago(60), tags=["Zeta", "Alpha"])
    new = make_post("New", body="New body.", published_at=ago(5))
    make_post("Draft", status=PostStatus.DRAFT)
    make_post("Later", published_at=utcnow() + timedelta(hours=1))
    response = client.get("/feed/")
    parsed, root = parse(response)

    assert titles(root) == ["New", "Old"]
    assert links(root) == post_links(app, new, old)
    assert root.findtext(ATOM + "title") == "My Blog"
    assert root.find(ATOM + "link[@rel='self']").get("href") == "http://localhost/feed/"
    assert root.find(ATOM + "link[@rel='alternate']").get("href") == "http://localhost/"
    with app.app_context():
        posts = {post.id: post for post in db.session.scalars(sa.select(Post))}
    created = posts[old].created_at.strftime("%Y-%m-%d")
    assert entries(root)[1].findtext(ATOM + "id") == f"tag:localhost,{created}:post/{old}"
    assert entries(root)[1].findtext(ATOM + "content") == posts[old].body_html
    assert parsed.entries[1].content[0].value == posts[old].body_html.strip()
    assert entries(root)[1].find(ATOM + "content").get("type") == "html"
    assert [entry.author for entry in parsed.entries] == ["Ada Author", "Ada Author"]
    assert [tag.label for tag in parsed.entries[1].tags] == ["Alpha", "Zeta"]
    assert parse_date(entries(root)[0].findtext(ATOM + "updated")) == posts[new].updated_at.replace(
        microsecond=0
    )
    newest = max(parse_date(entry.findtext(ATOM + "updated")) for entry in entries(root))
    assert parse_date(root.findtext(ATOM + "updated")) == newest
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == newest


def test_feeds_hold_the_latest_feed_entries(app, client, make_post):
    post_id = make_post("Commented", published_at=ago(500))
    for number in range(5):
        make_post(f"Post {number}", published_at=ago(100 - number), tags=["Many"])
        add_comment(
            app, post_id, f"Reader {number}", f"Comment {number}", created_at=ago(50 - number)
        )
    app.config["FEED_ENTRIES"] = 3
    assert titles(feed(client, "/feed/")) == ["Post 4", "Post 3", "Post 2"]
    assert titles(feed(client, "/tag/many/feed/")) == ["Post 4", "Post 3", "Post 2"]
    expected = [f"Reader {number} on Commented" for number in (4, 3, 2)]
    assert titles(feed(client, feed_url_of(app, post_id))) == expected
    assert titles(feed(client, "/comments/feed/")) == expected


def test_without_full_content_entries_carry_the_excerpt(app, client, make_post, database_url):
    body = "The teaser.\n\n<!--more-->\n\nThe rest, only on the post page."
    post_id = make_post("Teased", body=body)
    parsed, root = parse(client.get("/feed/"))
    assert "The rest, only on the post page." in parsed.entries[0].content[0].value

    # Settings are read at start-up: the blog restarted with excerpts only.
    excerpts_only = create_app(app_config(database_url, FEED_FULL_CONTENT=False))
    parsed, root = parse(excerpts_only.test_client().get("/feed/"))
    with app.app_context():
        excerpt = db.session.get(Post, post_id).excerpt_html
    assert entries(root)[0].findtext(ATOM + "content") == excerpt
    assert "The teaser." in parsed.entries[0].content[0].value
    assert "The rest" not in parsed.entries[0].content[0].value


def test_entry_ids_survive_a_new_slug_and_title(app, client, make_post):
    post_id = make_post("Before", slug="before", published_at=ago(30))
    comment_id = add_comment(app, post_id, "Ann", "Hello.")
    before = feed(client, "/feed/")
    before_comments = feed(client, "/comments/feed/")
    with app.app_context():
        post = db.session.get(Post, post_id)
        post.title, post.slug = "After", "after"
        db.session.commit()
    after = feed(client, "/feed/")
    after_comments = feed(client, "/comments/feed/")

    assert titles(after) == ["After"] and links(after) != links(before)
    assert "/after/" in links(after)[0]
    assert links(after_comments) == links(before_comments)  # the comment permalink is stable
    assert entries(after)[0].findtext(ATOM + "id") == entries(before)[0].findtext(ATOM + "id")
    ids = [entries(root)[0].findtext(ATOM + "id") for root in (before_comments, after_comments)]
    assert ids[0] == ids[1] and ids[0].endswith(f":comment/{comment_id}")


def test_tag_feed_lists_the_tags_published_posts(app, client, make_post):
    make_post("Tagged old", tags=["Python"], published_at=ago(20))
    make_post("Tagged new", tags=["Python", "Web"], published_at=ago(10))
    make_post("Untagged", published_at=ago(5))
    make_post("Tagged draft", tags=["Python"], status=PostStatus.DRAFT)
    make_post("Tagged later", tags=["Python"], published_at=utcnow() + timedelta(days=2))
    root = feed(client, "/tag/python/feed/")
    assert titles(root) == ["Tagged new", "Tagged old"]
    assert root.findtext(ATOM + "title") == "Tag: Python – My Blog"
    assert root.find(ATOM + "link[@rel='alternate']").get("href") == "http://localhost/tag/python/"
    assert root.find(ATOM + "link[@rel='self']").get("href") == "http://localhost/tag/python/feed/"

    assert client.get("/tag/no-such-tag/feed/").status_code == 404
    assert client.get("/tag/Not%20A%20Slug/feed/").status_code == 404


def test_a_feed_with_no_entries_is_valid_and_dated_at_the_epoch(app, client, make_post):
    make_post("Only a draft", status=PostStatus.DRAFT, tags=["Empty"])
    for url in ("/feed/", "/tag/empty/feed/", "/comments/feed/"):
        response = client.get(url)
        parsed, root = parse(response)
        assert entries(root) == [] and parsed.entries == []
        assert root.findtext(ATOM + "updated") == "1970-01-01T00:00:00Z"
        assert parsedate_to_datetime(response.headers["Last-Modified"]).year == 1970


def test_post_comments_feed_holds_its_approved_comments_newest_first(app, client, make_post):
    post_id = make_post("Discussed", published_at=ago(600))
    other_id = make_post("Elsewhere", published_at=ago(600))
    first = add_comment(app, post_id, "Ann", "Oldest.", created_at=ago(30))
    add_comment(app, post_id, "Bob", "Newest.", created_at=ago(10))
    add_comment(app, post_id, "Cy", "Reply.", parent_id=first, created_at=ago(20))
    for status in (
        CommentStatus.PENDING,
        CommentStatus.SPAM,
        CommentStatus.TRASH,
        CommentStatus.REMOVED,
    ):
        add_comment(app, post_id, f"Hidden {status}", f"Not shown ({status}).", status=status)
    add_comment(app, other_id, "Dee", "On another post.")

    url = feed_url_of(app, post_id)
    parsed, root = parse(client.get(url))
    assert titles(root) == ["Bob on Discussed", "Cy on Discussed", "Ann on Discussed"]
    assert [entry.author for entry in parsed.entries] == ["Bob", "Cy", "Ann"]
    assert [entry.content[0].value for entry in parsed.entries] == [
        "<p>Newest.</p>",
        "<p>Reply.</p>",
        "<p>Oldest.</p>",
    ]
    assert root.findtext(ATOM + "title") == "Comments on Discussed – My Blog"
    assert root.find(ATOM + "link[@rel='self']").get("href") == "http://localhost" + url
    (post_link,) = post_links(app, post_id)
    assert root.find(ATOM + "link[@rel='alternate']").get("href") == post_link + "#comments"
    assert url == post_link.removeprefix("http://localhost") + "feed/"


def test_post_comments_feed_is_only_for_published_posts(app, client, auth, make_post):
    draft = make_post("Draft", status=PostStatus.DRAFT)
    later = make_post("Later", published_at=utcnow() + timedelta(days=1))
    for post_id in (draft, later):
        add_comment(app, post_id, "Early", "Approved before publication.")
    urls = [feed_url_of(app, post_id) for post_id in (draft, later)]
    auth.login()  # not even the author: a feed is public
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/2026/01/no-such-post/feed/").status_code == 404
    assert client.get("/2026/01/Bad%20Slug/feed/").status_code == 404


def test_post_comments_feed_at_a_wrong_date_redirects_to_the_right_one(app, client, make_post):
    post_id = make_post("Dated", slug="dated", published_at=datetime(2024, 3, 15, tzinfo=UTC))
    url = feed_url_of(app, post_id)
    assert url.endswith("/dated/feed/")
    response = client.get("/1999/12/dated/feed/")
    assert response.status_code == 301
    assert response.headers["Location"].removeprefix("http://localhost") == url
    assert client.get(url).status_code == 200


def test_comments_feed_holds_approved_comments_on_published_posts(app, client, make_post):
    app.config["COMMENT_THREADS_PER_PAGE"] = 2
    busy = make_post("Busy post", published_at=ago(900))
    quiet = make_post("Quiet post", published_at=ago(900))
    draft = make_post("Draft post", status=PostStatus.DRAFT)
    later = make_post("Later post", published_at=utcnow() + timedelta(days=1))
    threads = [
        add_comment(app, busy, f"T{n}", f"Thread {n}.", created_at=ago(100 - n)) for n in range(5)
    ]
    add_comment(app, busy, "R", "Reply.", parent_id=threads[0], created_at=ago(40))
    add_comment(app, quiet, "Q", "Quiet one.", created_at=ago(30))
    add_comment(app, busy, "Pending", "Held.", status=CommentStatus.PENDING, created_at=ago(1))
    add_comment(app, busy, "Spam", "Buy.", status=CommentStatus.SPAM, created_at=ago(1))
    add_comment(app, draft, "OnDraft", "Too early.", created_at=ago(1))
    add_comment(app, later, "OnLater", "Too early.", created_at=ago(1))

    parsed, root = parse(client.get("/comments/feed/"))
    assert titles(root) == ["Q on Quiet post", "R on Busy post"] + [
        f"T{n} on Busy post" for n in (4, 3, 2, 1, 0)
    ]
    assert [entry.author for entry in parsed.entries][:2] == ["Q", "R"]
    # Each entry links to the comment's stable permalink, which redirects to the
    # right page of the discussion however many pages it has by then.
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Comment.id)
            .where(Comment.status == CommentStatus.APPROVED, Comment.post_id.in_([busy, quiet]))
            .order_by(Comment.created_at.desc())
        ).all()
    expected = [f"http://localhost/comments/{comment_id}/" for comment_id in ids]
    assert links(root) == expected
    paged = client.get(expected[-1].removeprefix("http://localhost"))
    assert paged.status_code == 301 and "cpage=" in paged.headers["Location"]
    assert links(feed(client, feed_url_of(app, busy))) == expected[1:]


# --- What no feed may show -----------------------------------------------------------


def all_feeds(client, urls) -> dict[str, bytes]:
    found = {}
    for url in urls:
        response = client.get(url)
        parse(response)
        found[url] = response.data
    return found


def test_drafts_and_scheduled_posts_appear_in_no_feed(app, client, make_post, blog):
    add_comment(app, blog_post_id(app, "A draft"), "Early", "On the draft.")
    for url, data in all_feeds(client, blog.values()).items():
        for hidden in (b"A draft", b"Scheduled", b"a-draft", b"On the draft."):
            assert hidden not in data, (url, hidden)
    root = feed(client, "/feed/")
    assert titles(root) == ["Second post", "First post"]


def blog_post_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Post.id).where(Post.title == title))


def test_a_commenters_email_and_address_never_appear_in_a_feed(app, client, make_post, blog):
    post_id = blog_post_id(app, "First post")
    add_comment(
        app,
        post_id,
        "Eve",
        "Approved words.",
        author_email="eve.q7x9-private@example.org",
        author_ip="203.0.113.77",
        author_url="https://eve.example.net/",
        created_at=ago(1),
    )
    urls = [*blog.values(), feed_url_of(app, post_id)]
    data = all_feeds(client, urls)
    assert b"Eve on First post" in data["/comments/feed/"]  # the comment is there...
    for url, body in data.items():
        for secret in (b"eve.q7x9-private@example.org", b"eve.q7x9-private", b"203.0.113.77"):
            assert secret not in body, (url, secret)  # ...its private details are not
        assert b"reader@example.com" not in body and b"@example" not in body


def test_markup_and_control_characters_are_escaped_or_removed(app, client, make_post):
    """Data written before the forms removed control characters still makes valid feeds."""
    nasty = 'Tom & "Jerry\'s" <b>bold</b> </title>]]> &amp; &#0;'
    title = f"{CONTROLS[:10]}{nasty}{CONTROLS[10:]}"
    tag_name = f"R&D <\"'>{CONTROLS[:5]}"
    name = f"Mallory\x01 & <Eve> \"'\x1f{CONTROLS}"
    body_html = f'<p>Body & <a href="/x?a=1&amp;b=2">link</a> ]]> \'q\' "dq"{CONTROLS}</p>'
    post_id = make_post(title, slug="nasty", tags=[tag_name], published_at=ago(10))
    comment_id = add_comment(app, post_id, name, "placeholder")
    with app.app_context():
        # Straight into the tables, as an old row or another tool would have left them.
        db.session.execute(
            sa.update(Post)
            .where(Post.id == post_id)
            .values(body_html=body_html, excerpt_html=body_html)
        )
        db.session.execute(
            sa.update(Comment).where(Comment.id == comment_id).values(body_html=body_html)
        )
        tag_slug = db.session.scalar(sa.select(Tag.slug))
        db.session.commit()
    app.config["SITE_TITLE"] = f"Site & <Co> \"'{CONTROLS[:3]}"
    clean = {
        key: STRAY.sub("", value)
        for key, value in {
            "title": title,
            "tag": tag_name,
            "name": name,
            "body": body_html,
            "site": app.config["SITE_TITLE"],
        }.items()
    }
    assert all(not STRAY.search(value) and value for value in clean.values())

    urls = ["/feed/", f"/tag/{tag_slug}/feed/", feed_url_of(app, post_id), "/comments/feed/"]
    for url in urls:
        response = client.get(url)
        parsed, root = parse(response)
        assert not STRAY.search(response.get_data(as_text=True)), url
        entry = entries(root)[0]
        content = entry.findtext(ATOM + "content")
        assert content == clean["body"], url
        assert "Body & " in parsed.entries[0].content[0].value
        if url.endswith("/comments/feed/") or url == feed_url_of(app, post_id):
            assert entry.findtext(ATOM + "title") == f"{clean['name']} on {clean['title']}"
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == clean["name"]
            assert parsed.entries[0].author == clean["name"]
        else:
            assert entry.findtext(ATOM + "title") == clean["title"]
            assert parsed.entries[0].title == clean["title"]
            assert entry.find(ATOM + "category").get("label") == clean["tag"]
            assert parsed.entries[0].tags[0].label == clean["tag"]
    assert feed(client, urls[0]).findtext(ATOM + "title") == clean["site"]
    assert (
        feed(client, urls[1]).findtext(ATOM + "title") == f"Tag: {clean['tag']} – {clean['site']}"
    )
    assert (
        feed(client, urls[2]).findtext(ATOM + "title")
        == f"Comments on {clean['title']} – {clean['site']}"
    )


# --- Caching ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_answer_revalidation_with_304(app, client, blog, kind):
    url = blog[kind]
    response = client.get(url)
    parse(response)
    etag = response.headers["ETag"]
    last_modified = response.headers["Last-Modified"]
    assert etag and last_modified
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert "Set-Cookie" not in response.headers

    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    later = format_datetime(parsedate_to_datetime(last_modified) + timedelta(hours=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304

    earlier = format_datetime(
        parsedate_to_datetime(last_modified) - timedelta(seconds=1), usegmt=True
    )
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200

    # The view answers by itself, whatever the app's after-request hooks do.
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        with app.test_request_context(url, headers=headers):
            assert app.dispatch_request().status_code == 304
    with app.test_request_context(url):
        direct = app.dispatch_request()
        assert direct.status_code == 200 and direct.headers["ETag"] == etag
        assert direct.headers["Last-Modified"] == last_modified
        assert direct.cache_control.public and direct.cache_control.max_age == 300


@pytest.mark.parametrize("kind", FEEDS)
def test_a_new_entry_changes_the_validators(app, client, blog, kind):
    url = blog[kind]
    before = client.get(url)
    with app.app_context():
        first = db.session.scalar(sa.select(Post).where(Post.title == "First post"))
        if kind in ("site", "tag"):
            news = db.session.scalar(sa.select(Tag).where(Tag.slug == "news"))
            db.session.add(
                Post(
                    title="Fresh",
                    slug="fresh",
                    body="New.",
                    status=PostStatus.PUBLISHED,
                    published_at=utcnow(),
                    author_id=first.author_id,
                    tags=[news],
                )
            )
        else:
            db.session.add(
                Comment(
                    post_id=first.id, author_name="Zed", body="Late.", status=CommentStatus.APPROVED
                )
            )
        db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    revalidated = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert revalidated.status_code == 200


def test_a_scheduled_post_going_live_moves_last_modified(app, client, make_post):
    make_post("Edited an hour ago", published_at=ago(120))
    scheduled = make_post("Went live a minute ago", published_at=ago(1))
    with app.app_context():
        # Written long before its time came, and not saved again since.
        db.session.execute(
            sa.update(Post)
            .where(Post.id == scheduled)
            .values(updated_at=ago(600), created_at=ago(600))
        )
        db.session.execute(sa.update(Post).where(Post.id != scheduled).values(updated_at=ago(60)))
        db.session.commit()
    response = client.get("/feed/")
    parse(response)
    assert parsedate_to_datetime(response.headers["Last-Modified"]) >= ago(2)


def test_a_feed_is_the_same_for_the_author_as_for_readers(app, client, auth, blog):
    add_comment(app, blog_post_id(app, "First post"), "Held", "Pending.", status="pending")
    anonymous = {url: client.get(url).headers["ETag"] for url in blog.values()}
    auth.login()
    assert {url: client.get(url).headers["ETag"] for url in blog.values()} == anonymous


# --- Autodiscovery ------------------------------------------------------------------------

ALTERNATE = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">'
)


def test_pages_link_to_their_feeds(app, client, blog):
    home = ALTERNATE.findall(client.get("/").get_data(as_text=True))
    assert home == [("My Blog Feed", "http://localhost/feed/")]

    tag = ALTERNATE.findall(client.get("/tag/news/").get_data(as_text=True))
    assert tag == [home[0], ("Tag: News – My Blog", "http://localhost/tag/news/feed/")]

    page = client.get(permalink(client, "First post")).get_data(as_text=True)
    post = ALTERNATE.findall(page)
    assert post == [
        home[0],
        ("Comments on First post – My Blog", "http://localhost" + blog["post_comments"]),
    ]
    for _, href in {*home, *tag, *post}:
        parse(client.get(href.removeprefix("http://localhost")))


def test_a_draft_preview_does_not_link_to_a_comments_feed(app, client, auth, make_post):
    draft = make_post("Unfinished", status=PostStatus.DRAFT)
    auth.login()
    with app.test_request_context():
        url = post_url(db.session.get(Post, draft))
    page = client.get(url)
    assert page.status_code == 200
    assert ALTERNATE.findall(page.get_data(as_text=True)) == [
        ("My Blog Feed", "http://localhost/feed/")
    ]


# --- Queries ---------------------------------------------------------------------------


def statements_per_feed(app, client, urls: dict[str, str]) -> dict[str, int]:
    for url in urls.values():
        client.get(url)  # connections opened and ready
    counts = {}
    for kind, url in urls.items():
        with counting_queries(app) as statements:
            parse(client.get(url))
        counts[kind] = len(statements)
    return counts


def test_each_feed_takes_a_fixed_number_of_queries(app, client, make_post, blog):
    few = statements_per_feed(app, client, blog)
    first = blog_post_id(app, "First post")
    for number in range(12):
        post_id = make_post(
            f"More {number}", tags=["News", f"Extra {number}"], published_at=ago(90 - number)
        )
        add_comment(app, post_id, f"Reader {number}", "More.", created_at=ago(40 - number))
        add_comment(app, first, f"Other {number}", "Again.", created_at=ago(40 - number))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 26
    many = statements_per_feed(app, client, blog)
    assert many == few
    assert all(count <= 4 for count in many.values()), many
    assert len(feed(client, "/comments/feed/").findall(ATOM + "entry")) == 20
