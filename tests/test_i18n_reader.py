"""Every page, form, message and mail a reader meets, in the pseudo-locale:
no interface text may be left outside the ⟦…⟧ wrappers (tests/pseudo_locale.py).

Only the content made here (titles, names, bodies, the site's title and
tagline, addresses in mails) is taken out before the check; anything else
with letters in it is a string someone forgot to wrap.
"""

import re
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from lxml import etree
from werkzeug.exceptions import BadRequest, InternalServerError, RequestEntityTooLarge

from blog.errors import http_error, server_error
from blog.extensions import db
from blog.mail import outbox
from blog.models import Comment, CommentStatus, Post
from tests.conftest import csrf_token, form_tokens, permalink
from tests.pseudo_locale import PSEUDO_LOCALE, untranslated_text

SITE = {"SITE_TITLE": "Alpha Site", "SITE_TAGLINE": "Beta tagline about things"}
# Bodies without a final stop: a PostgreSQL search snippet leaves it out.
POST_TITLE, POST_BODY = "Gamma post", "Delta body of the post, long enough to read"
OLDER_TITLE, OLDER_BODY, TAG = "Epsilon older post", "Epsilon older body", "Zeta tag"
PAGE_TITLE, PAGE_BODY = "Theta page", "Iota body of the page"
RITA, BOB = "Rita Reader", "Bob Replier"
USER_CONTENT = (
    *SITE.values(), POST_TITLE, POST_BODY, OLDER_TITLE, OLDER_BODY, TAG, PAGE_TITLE, PAGE_BODY,
    "Ada Author", RITA, BOB, "rita@example.com",
    "Kappa first comment", "Lambda reply to it", "Mu answer by the author", "Nu held comment",
    "Xi comment with errors",
)  # fmt: skip


@pytest.fixture
def app_settings(app_settings, pseudo_catalogues, smtp):
    """The blog in the pseudo-locale, mail on, short pages so every pager shows."""
    return {
        **app_settings,
        **SITE,
        "LANGUAGE": PSEUDO_LOCALE,
        "BABEL_TRANSLATION_DIRECTORIES": pseudo_catalogues,
        "MAIL_SERVER": smtp.url,
        "MAIL_FROM": "blog@example.com",
        "POSTS_PER_PAGE": 1,
        "COMMENT_THREADS_PER_PAGE": 1,
        "COMMENT_DEFAULT_PAGE": "oldest",
    }


def shown(html: str, *more_content: str) -> list[str]:
    return untranslated_text(html, user_content=(*USER_CONTENT, *more_content))


def locale_dates(app, year: int, month: int) -> tuple[str, ...]:
    """A month as the app names it (archive headings, the sidebar): the locale's data,
    not a message to wrap."""
    with app.test_request_context():
        return (app.jinja_env.globals["month_and_year"](year, month),)


@pytest.fixture
def blog(app, client, make_post, make_page, author):
    """A post with a threaded discussion over two pages, an older post, a tag and a page."""
    make_post(OLDER_TITLE, body=OLDER_BODY, tags=[TAG])
    post_id = make_post(POST_TITLE, body=POST_BODY, tags=[TAG])
    make_page(PAGE_TITLE, body=PAGE_BODY, allow_comments=True)
    with app.app_context():
        first = Comment(post_id=post_id, author_name=RITA, author_email="rita@example.com",
                        body="Kappa first comment", status=CommentStatus.APPROVED)  # fmt: skip
        gone = Comment(post_id=post_id, author_name=BOB, body="Removed", status=CommentStatus.SPAM)
        db.session.add_all([first, gone])
        db.session.flush()
        reply = Comment(post_id=post_id, parent_id=first.id, root_id=first.id, author_name=BOB,
                        body="Lambda reply to it", status=CommentStatus.APPROVED)  # fmt: skip
        by_author = Comment(post_id=post_id, parent_id=gone.id, root_id=gone.id, user_id=author,
                            author_name="Ada Author", body="Mu answer by the author",
                            status=CommentStatus.APPROVED)  # fmt: skip
        for comment in (first, gone, reply, by_author):
            comment.render()
        db.session.add_all([reply, by_author])
        db.session.commit()
        post = db.session.get(Post, post_id)
        month = post.published_at.month
        return {"id": post_id, "url": permalink(client, POST_TITLE), "first": first.id,
                "year": post.published_at.year, "month": month,
                "dates": locale_dates(app, post.published_at.year, month)}  # fmt: skip


def send_comment(client, blog, **fields):
    page = client.get(blog["url"]).get_data(as_text=True)
    data = {**form_tokens(page), "author": RITA, "email": "rita@example.com", **fields}
    return client.post(f"/posts/{blog['id']}/comments", data=data)


def test_the_reader_pages_are_all_translated(client, blog):
    year, month = blog["year"], blog["month"]
    pages = {
        "home": "/",
        "home, page 2": "/?page=2",
        "post with its discussion": blog["url"],
        "post, second page of comments": blog["url"] + "?cpage=2",
        "replying to a comment": blog["url"] + f"?replytocom={blog['first']}",
        "page": "/theta-page/",
        "tag": "/tag/zeta-tag/",
        "year": f"/{year}/",
        "month": f"/{year}/{month:02d}/",
        "search with results": "/search?q=gamma",
        "search finding a page": "/search?q=theta",
        "search results over pages": "/search?q=body",
        "search results, page 2": "/search?q=body&page=2",
        "search without results": "/search?q=omicron",
        "search form": "/search",
        "login": "/login",
    }
    untranslated = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        # A search snippet marks the words found: the content between the marks is whole again.
        html = re.sub("</?mark>", "", response.get_data(as_text=True))
        untranslated[name] = shown(html, *blog["dates"], "omicron")
    assert untranslated == {name: [] for name in pages}


def test_the_comment_form_its_errors_and_the_moderation_notice(client, blog):
    errors = send_comment(
        client, blog, comment="", email="not an address", url="javascript:alert(1)"
    )
    assert errors.status_code == 422
    html = errors.get_data(as_text=True)
    assert html.count('class="field-error"') == 3
    # WTForms' own messages ("This field is required.") come from its catalogues,
    # which have no pseudo-locale: tests/test_i18n_reader_ru.py checks them in Russian.
    assert shown(html, "not an address", "javascript:alert(1)") == []

    too_long = send_comment(client, blog, comment="Xi comment with errors" * 500)
    assert too_long.status_code == 422 and shown(too_long.get_data(as_text=True)) == []

    sent = {"comment": "Xi comment with errors", "author": RITA, "email": "rita@example.com"}
    expired = client.post(f"/posts/{blog['id']}/comments", data=sent)  # no CSRF token
    html = expired.get_data(as_text=True)
    assert expired.status_code == 422 and "Xi comment with errors" in html
    assert shown(html) == []

    # A first comment from this address: held, shown only to its author.
    held = send_comment(client, blog, comment="Nu held comment", email="new@example.com")
    assert held.status_code == 303
    html = client.get(held.location).get_data(as_text=True)
    assert "comment-awaiting-moderation" in html and shown(html, *blog["dates"]) == []

    again = send_comment(client, blog, comment="Nu held comment", email="new@example.com")
    assert again.status_code == 422 and shown(again.get_data(as_text=True)) == []


def test_a_logged_in_author_sees_the_comment_form_and_the_header_translated(client, auth, blog):
    auth.login()
    html = client.get(blog["url"]).get_data(as_text=True)
    assert 'class="logged-in-as"' in html and shown(html, *blog["dates"]) == []


def test_error_pages(app, client, blog):
    app.config["COMMENT_RATE_LIMIT"] = "1 per hour"
    app.config["LOGIN_MAX_FAILURES"] = 1
    responses = {
        "404": client.get("/no/such/page/"),
        "mail link gone (404)": client.get("/mail/confirm/forged"),
        "405": client.get("/logout"),
        "CSRF refused (400)": client.post("/logout"),
        "comments rate-limited (429)": [send_comment(client, blog, comment=f"Xi {n}")
                                        for n in range(2)][-1],
        "logins locked (429)": [client.post("/login", data={
            "csrf_token": csrf_token(client.get("/login")), "username": "x", "password": "y"})
            for _ in range(3)][-1],
    }  # fmt: skip
    codes = {name: response.status_code for name, response in responses.items()}
    assert codes == {"404": 404, "mail link gone (404)": 404, "405": 405, "CSRF refused (400)": 400,
                     "comments rate-limited (429)": 429, "logins locked (429)": 429}  # fmt: skip
    pages = {name: response.get_data(as_text=True) for name, response in responses.items()}
    # Errors no reader route raises today, through the same handlers (at "/": with the sidebar).
    handlers = [(http_error, BadRequest()), (http_error, RequestEntityTooLarge()),
                (server_error, InternalServerError())]  # fmt: skip
    for handler, error in handlers:
        with app.test_request_context("/"):
            pages[error.name] = handler(error)[0]
    untranslated = {name: shown(html, *blog["dates"]) for name, html in pages.items()}
    assert untranslated == {name: [] for name in pages}


def test_a_closed_discussion(app, client, blog):
    with app.app_context():
        db.session.get(Post, blog["id"]).allow_comments = False
        db.session.commit()
    html = client.get(blog["url"]).get_data(as_text=True)
    assert 'class="comments-closed"' in html and shown(html, *blog["dates"]) == []
    refused = send_comment(client, blog, comment="Xi comment with errors")
    assert refused.status_code == 403 and shown(refused.get_data(as_text=True)) == []


def mail_links(message: EmailMessage) -> list[str]:
    # Not the wrapper's ⟧ after a link at the end of a message.
    return re.findall(r"https?://[^\s⟧]+", message.get_body(("plain",)).get_content())


def mail_text(message: EmailMessage) -> list[str]:
    """What a mail shows, in both its parts, its subject included (the site's title aside)."""
    links = mail_links(message)
    subject = message["Subject"].removeprefix(f"[{SITE['SITE_TITLE']}] ")
    parts = [message.get_body((kind,)).get_content() for kind in ("plain", "html")]
    return [line for text in (subject, *parts) for line in shown(text, *links)]


def test_reply_notifications_mails_and_their_pages(app, client, blog, smtp):
    assert send_comment(client, blog, comment="Nu held comment", notify="y").status_code == 303
    with app.test_request_context():  # approved as the moderation screen does it
        rita = db.session.scalar(sa.select(Comment).order_by(Comment.id.desc()))
        rita.status = CommentStatus.APPROVED
        db.session.commit()
        rita_id = rita.id
        outbox.send_due()
    [confirmation] = [mail for mail in smtp.inbox.messages if mail["To"] == "rita@example.com"]
    assert mail_text(confirmation) == []
    [confirm_link] = [link for link in mail_links(confirmation) if "/mail/confirm/" in link]
    confirm_page = client.get(confirm_link)
    confirmed = client.post(confirm_link, data={"csrf_token": csrf_token(confirm_page)})

    answer = send_comment(client, blog, comment="Lambda reply to it", author=BOB,
                          email="bob@example.com", parent_id=str(rita_id))  # fmt: skip
    assert answer.status_code == 303
    with app.test_request_context():
        bob = db.session.scalar(sa.select(Comment).where(Comment.author_name == BOB).order_by(
            Comment.id.desc()))  # fmt: skip
        bob.status = CommentStatus.APPROVED
        db.session.commit()
        outbox.send_due()
    notification = smtp.inbox.messages[-1]
    assert notification["To"] == "rita@example.com" and mail_text(notification) == []
    unsubscribe_link = notification["List-Unsubscribe"].strip("<> ")
    pages = {
        "confirm": confirm_page,
        "confirmed": confirmed,
        "unsubscribe": client.get(unsubscribe_link),
        "unsubscribed": client.post(unsubscribe_link, data={"scope": "all"}),
    }
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    untranslated = {name: shown(page.get_data(as_text=True)) for name, page in pages.items()}
    assert untranslated == {name: [] for name in pages}


def feed_titles(client, url: str) -> list[str]:
    feed = etree.fromstring(client.get(url).data)
    atom = "{http://www.w3.org/2005/Atom}"
    return [element.text for element in feed.iter(f"{atom}title", f"{atom}subtitle")]


def test_the_feeds_titles(client, blog):
    feeds = ["/feed/", "/tag/zeta-tag/feed/", "/comments/feed/", blog["url"] + "feed/"]
    untranslated = {url: shown("\n".join(feed_titles(client, url))) for url in feeds}
    assert untranslated == {name: [] for name in feeds}
