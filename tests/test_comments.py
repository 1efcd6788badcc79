"""Readers commenting: the form, validation, the rules, threads and privacy."""

import itertools
import re
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from limits.errors import ConfigurationError

from blog import create_app
from blog.comments import forms as comment_forms
from blog.comments import views as comment_views
from blog.extensions import db
from blog.models import Comment, CommentStatus, PostStatus, utcnow
from tests.conftest import app_config, csrf_token, hidden_fields, permalink

COMMENT_FORM_HIDDEN = "csrf_token|issued|parent_id"


@pytest.fixture
def post(make_post, client):
    """A published post: its id and its permalink."""
    post_id = make_post("Talk to me", slug="talk-to-me")
    return post_id, permalink(client, "Talk to me")


def reader(**fields) -> dict:
    return {
        "comment": "What a lovely post.",
        "author": "Rita Reader",
        "email": "rita@example.com",
        "url": "",
        **fields,
    }


def submit(client, post, url_suffix="", **fields):
    """Open the post page like a browser, then send the comment form."""
    post_id, url = post
    page = client.get(url + url_suffix).get_data(as_text=True)
    hidden = hidden_fields(page, COMMENT_FORM_HIDDEN)
    data = {key: value for key, value in {**hidden, **fields}.items() if value is not None}
    return client.post(f"/posts/{post_id}/comments", data=data)


def stored(app) -> list[Comment]:
    with app.app_context():
        comments = db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()
        db.session.expunge_all()
        return comments


def set_status(app, comment_id: int, status: CommentStatus) -> None:
    with app.app_context():
        db.session.get(Comment, comment_id).status = status
        db.session.commit()


def approved_comment(app, client, post, **fields) -> Comment:
    submit(client, post, **reader(**fields))
    comment = stored(app)[-1]
    set_status(app, comment.id, CommentStatus.APPROVED)
    return comment


def test_the_form_a_reader_sees(client, post):
    html = client.get(post[1]).get_data(as_text=True)
    assert "Leave a Reply" in html
    assert "Your email address will not be published. Required fields are marked" in html
    for name, label in [("comment", "Comment"), ("author", "Name"), ("email", "Email"),
                        ("url", "Website")]:  # fmt: skip
        assert f'<label for="{name}">{label}</label>' in html
        assert f'name="{name}"' in html
    assert "Save my name, email, and website in this browser" in html
    assert re.search(
        r'<input id="save_details" name="save_details" type="checkbox" value="y">', html
    )
    assert 'value="Post Comment"' in html
    assert "Responses to" not in html and "One Response" not in html


def test_first_comment_is_held_and_only_its_author_sees_it(app, client, post):
    response = submit(client, post, **reader())
    assert response.status_code == 303
    [comment] = stored(app)
    assert comment.status == CommentStatus.PENDING
    assert response.headers["Location"] == f"{post[1]}#comment-{comment.id}"
    mine = client.get(post[1]).get_data(as_text=True)
    assert "Your comment is awaiting moderation." in mine and "What a lovely post." in mine
    stranger = app.test_client().get(post[1]).get_data(as_text=True)
    assert "What a lovely post." not in stranger


def test_a_known_commenter_is_approved_at_once(app, client, post):
    approved_comment(app, client, post)
    submit(client, post, **reader(comment="Me again!"))
    assert stored(app)[-1].status == CommentStatus.APPROVED
    html = app.test_client().get(post[1]).get_data(as_text=True)
    assert "2 Responses to “Talk to me”" in html
    assert "Me again!" in html


def test_one_response_heading_and_comment_markup(app, client, post):
    comment = approved_comment(app, client, post, url="https://rita.example/")
    html = app.test_client().get(post[1]).get_data(as_text=True)
    assert "One Response to “Talk to me”" in html
    assert f'id="comment-{comment.id}"' in html
    assert (
        '<a class="url" href="https://rita.example/" rel="external nofollow ugc noopener">'
        "Rita Reader</a>" in html
    )
    assert re.search(rf'<a href="#comment-{comment.id}"><time datetime="[^"]+">', html)
    assert f"replytocom={comment.id}#respond" in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"comment": ""}, "comment", "Please type your comment."),
        ({"comment": " \t\n  "}, "comment", "Please type your comment."),
        ({"comment": "\x00\x01\x02"}, "comment", "Please type your comment."),
        ({"author": ""}, "author", "This field is required."),
        ({"author": "n" * 101}, "author", "Field cannot be longer than 100 characters."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "Please enter a valid email address."),
        ({"url": "javascript:alert(1)"}, "url", "starting with http:// or https://"),
        ({"url": "JaVaScRiPt://host/%0Aalert(1)"}, "url", "starting with http:// or https://"),
        ({"url": "  \tjavascript:alert(1)"}, "url", "starting with http:// or https://"),
        ({"url": "data:text/html,<script>alert(1)</script>"}, "url", "starting with http://"),
        ({"url": "vbscript:msgbox(1)"}, "url", "starting with http:// or https://"),
        ({"url": "ftp://files.example/"}, "url", "starting with http:// or https://"),
        ({"url": "https://" + "a" * 200 + ".example"}, "url", "longer than 200 characters"),
    ],
)
def test_bad_input_is_shown_at_its_field_with_the_text_kept(
    app, client, post, fields, field, message
):
    data = reader(**{"comment": "My long and thoughtful answer", **fields})
    response = submit(client, post, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    if field != "comment":
        assert "My long and thoughtful answer" in html
    assert stored(app) == []


def test_comment_length_limit_is_configurable(app, client, post):
    app.config["COMMENT_MAX_LENGTH"] = 20
    response = submit(client, post, **reader(comment="x" * 21))
    assert response.status_code == 422
    assert "Please keep your comment under 20 characters." in response.get_data(as_text=True)
    assert submit(client, post, **reader(comment="x" * 20)).status_code == 303


def test_missing_csrf_token_keeps_the_comment(app, client, post):
    response = submit(client, post, **reader(comment="Do not lose me"), csrf_token="")
    html = response.get_data(as_text=True)
    assert "Your session expired, please submit again." in html
    assert "Do not lose me" in html
    assert stored(app) == []


def test_control_characters_are_removed_and_unicode_round_trips(app, client, post):
    text = "Привет 👋🏽 مرحبا שלום e\u0301\nline two\ttab"
    submit(client, post, **reader(comment="\x00" + text.replace("\n", "\r\n") + "\x07"))
    [comment] = stored(app)
    assert comment.body == text
    assert "Привет 👋🏽 مرحبا שלום e\u0301<br>" in comment.body_html


def test_duplicate_comment_is_refused(app, client, post):
    submit(client, post, **reader())
    response = submit(client, post, **reader())
    assert response.status_code == 422
    assert "Duplicate comment detected; it looks as though you’ve already said that!" in (
        response.get_data(as_text=True)
    )
    assert len(stored(app)) == 1


def test_honeypot_marks_spam(app, client, post):
    submit(client, post, **reader(phone="555-1234"))
    assert stored(app)[0].status == CommentStatus.SPAM


def test_time_trap_holds_a_fast_comment_and_says_why(app, client, auth, post, monkeypatch):
    app.config["COMMENT_MIN_SECONDS"] = 3
    app.config["COMMENT_HOLD_FIRST"] = False
    response = submit(client, post, **reader(comment="instant, thanks to autofill"))
    # Its writer is told the truth: it waits for the author.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment is awaiting moderation." in page
    assert "instant, thanks to autofill" in page
    later = utcnow() + timedelta(seconds=5)
    monkeypatch.setattr(comment_forms, "utcnow", lambda: later)
    submit(client, post, **reader(comment="took my time"))
    submit(client, post, **reader(comment="forged stamp"), issued="not-a-signed-stamp")
    fast, slow, forged = stored(app)
    assert [fast.status, slow.status, forged.status] == ["pending", "approved", "spam"]
    assert "the time trap expects at least 3 s" in fast.held_reason
    assert slow.held_reason == ""
    auth.login_through_session()
    screen = client.get("/admin/comments?status=pending").get_data(as_text=True)
    assert "Held:</strong> Sent " in screen
    assert "the time trap expects at least 3 s" in screen


def test_honeypot_is_spam_with_its_reason_on_the_spam_tab(app, client, auth, post):
    submit(client, post, **reader(phone="555-1234"))
    [comment] = stored(app)
    assert comment.status == CommentStatus.SPAM
    auth.login_through_session()
    screen = client.get("/admin/comments?status=spam").get_data(as_text=True)
    assert "Marked as spam:</strong> The hidden honeypot field was filled in." in screen


def test_link_limit_word_lists_and_hold_first(app, client, post):
    app.config.update(
        COMMENT_HOLD_FIRST=False,
        COMMENT_MAX_LINKS=2,
        COMMENT_MODERATION_WORDS="casino, lottery",
        COMMENT_DISALLOWED_WORDS=["viagra"],
    )
    submit(client, post, **reader(comment="two https://a.com and www.b.org"))
    submit(client, post, **reader(comment="three https://a.com https://b.com https://c.com"))
    submit(client, post, **reader(comment="Win the LOTTERY"))
    submit(client, post, **reader(comment="cheap Viagra"))
    submit(client, post, **reader(comment="normal words", author="Casino Carl"))
    assert [c.status for c in stored(app)] == ["approved", "pending", "pending", "spam", "pending"]


def test_rate_limit_gives_a_friendly_429(app, client, post):
    app.config["COMMENT_RATE_LIMIT"] = "2 per minute"
    for number in range(2):
        assert submit(client, post, **reader(comment=f"comment {number}")).status_code == 303
    response = submit(client, post, **reader(comment="one too many"))
    assert response.status_code == 429
    assert "Please wait a moment and try again." in response.get_data(as_text=True)
    assert len(stored(app)) == 2


def test_rate_limit_in_redis(database_url, post):
    config = app_config(
        database_url,
        COMMENT_RATE_LIMIT="1 per minute",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        RATELIMIT_KEY_PREFIX=f"blog-test-{uuid.uuid4().hex}",
    )
    first, second = create_app(config), create_app(config)  # e.g. two gunicorn workers
    assert submit(first.test_client(), post, **reader()).status_code == 303
    response = submit(second.test_client(), post, **reader(comment="again"))
    assert response.status_code == 429


def test_rate_limit_in_a_diskcache_folder_is_shared_and_expires(database_url, post, tmp_path):
    config = app_config(
        database_url,
        COMMENT_RATE_LIMIT="1 per 2 seconds",
        RATELIMIT_STORAGE_URI=f"diskcache://{tmp_path / 'ratelimit'}",
    )
    first, second = create_app(config), create_app(config)  # e.g. two gunicorn workers
    assert submit(first.test_client(), post, **reader()).status_code == 303
    assert submit(second.test_client(), post, **reader(comment="again")).status_code == 429
    time.sleep(2.1)
    assert submit(second.test_client(), post, **reader(comment="later")).status_code == 303


def test_a_diskcache_storage_needs_a_folder(database_url):
    with pytest.raises(ConfigurationError, match="give a folder"):
        create_app(app_config(database_url, RATELIMIT_STORAGE_URI="diskcache://ratelimit"))


def test_closed_comments(app, client, make_post):
    post_id = make_post("Closed", slug="closed", allow_comments=False)
    url = permalink(client, "Closed")
    html = client.get(url).get_data(as_text=True)
    assert "Comments are closed." in html and "Leave a Reply" not in html
    response = submit(client, (post_id, url), **reader())
    assert response.status_code == 403
    assert stored(app) == []


def test_comments_close_after_some_days(app, client, make_post):
    app.config["COMMENT_CLOSE_AFTER_DAYS"] = 14
    old = make_post("Old", slug="old", published_at=utcnow() - timedelta(days=15))
    new = make_post("New", slug="new", published_at=utcnow() - timedelta(days=13))
    assert submit(client, (old, permalink(client, "Old")), **reader()).status_code == 403
    assert submit(client, (new, permalink(client, "New")), **reader()).status_code == 303


def test_no_comments_on_drafts_or_unknown_posts(app, client, make_post):
    draft = make_post("Draft", slug="draft", status=PostStatus.DRAFT)
    assert client.post(f"/posts/{draft}/comments", data=reader()).status_code in (400, 404)
    page = client.get("/").get_data(as_text=True)
    # The home page has no form, hence the direct posts above.
    assert hidden_fields(page, COMMENT_FORM_HIDDEN) == {}
    assert client.post("/posts/999999/comments", data=reader()).status_code in (400, 404)
    assert stored(app) == []


def test_reply_without_javascript(app, client, post):
    parent = approved_comment(app, client, post, author="Paula Parent")
    html = client.get(f"{post[1]}?replytocom={parent.id}").get_data(as_text=True)
    assert "Reply to Paula Parent" in html
    assert f'name="parent_id" type="hidden" value="{parent.id}"' in html
    assert re.search(
        r'<a id="cancel-comment-reply-link" href="[^"]+#respond">Cancel reply</a>', html
    )
    response = submit(
        client, post, f"?replytocom={parent.id}", **reader(comment="A reply", author="Rob")
    )
    assert response.status_code == 303
    reply = stored(app)[-1]
    assert (reply.parent_id, reply.root_id) == (parent.id, parent.id)


def test_reply_to_a_comment_of_another_post_or_a_held_one_is_refused(app, client, post, make_post):
    other = make_post("Other", slug="other")
    foreign = approved_comment(app, client, (other, permalink(client, "Other")))
    held_response = submit(client, post, **reader(comment="held one", email="new@example.com"))
    assert held_response.status_code == 303
    held = stored(app)[-1]
    for parent in (foreign.id, held.id):
        response = submit(client, post, **reader(comment=f"reply to {parent}"), parent_id=parent)
        assert response.status_code == 422
        assert "The comment you are replying to is no longer available." in (
            response.get_data(as_text=True)
        )
    assert len(stored(app)) == 2


def nesting(html: str) -> int:
    """How deep the comment lists of a post page nest."""
    section = html[html.index('<ol class="comment-list">') :]
    depth = deepest = 0
    for tag in re.findall(r"<ol class=\"(?:comment-list|children)\">|</ol>", section):
        depth = depth + 1 if tag.startswith("<ol") else depth - 1
        deepest = max(deepest, depth)
    return deepest


def test_replies_nest_up_to_the_maximum_depth(app, client, post):
    app.config["COMMENT_MAX_DEPTH"] = 3
    app.config["COMMENT_HOLD_FIRST"] = False
    parent_id = None
    for depth in range(1, 6):
        submit(client, post, **reader(comment=f"level {depth}"), parent_id=parent_id)
        parent_id = stored(app)[-1].id
    html = client.get(post[1]).get_data(as_text=True)
    assert nesting(html) == 3
    assert all(f"level {n}" in html for n in range(1, 6))
    assert html.index("level 4") < html.index("level 5")


CHAIN = 1_100  # replies to replies: deeper than Python's recursion limit


def reply_chain(app, post_id: int, length: int = CHAIN) -> list[int]:
    """Approved comments, each a reply to the one before; their ids, top first."""
    base = {"post_id": post_id, "author_name": "Chatty", "status": CommentStatus.APPROVED}
    start = utcnow() - timedelta(minutes=length)
    rows = [{**base, "body": f"Reply {n}", "body_html": f"<p>Reply {n}</p>",
             "created_at": start + timedelta(minutes=n)} for n in range(length)]  # fmt: skip
    with app.app_context():
        insert = sa.insert(Comment).returning(Comment.id, sort_by_parameter_order=True)
        ids = list(db.session.scalars(insert, rows))
        links = [{"id": id_, "parent_id": parent, "root_id": ids[0]}
                 for parent, id_ in itertools.pairwise(ids)]  # fmt: skip
        db.session.execute(sa.update(Comment), links)
        db.session.commit()
    return ids


def comment_anchors(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'<article id="comment-(\d+)"', html)]


def admin_rows(client) -> set[int]:
    """The comment ids on every page of the Approved tab (a 404 after the last)."""
    ids: set[int] = set()
    for page in itertools.count(1):
        response = client.get(f"/admin/comments?status=approved&page={page}")
        if response.status_code == 404:
            return ids
        assert response.status_code == 200
        ids |= {int(n) for n in re.findall(r'<tr id="row-(\d+)"', response.get_data(as_text=True))}


def test_a_reply_chain_deeper_than_the_stack_renders_for_readers_and_the_author(
    app, client, post, auth
):
    ids = reply_chain(app, post[0])
    reader_page = app.test_client().get(post[1])
    assert reader_page.status_code == 200
    assert comment_anchors(reader_page.get_data(as_text=True)) == ids
    deepest = app.test_client().get(f"/comments/{ids[-1]}/", follow_redirects=True)
    assert deepest.status_code == 200 and f'id="comment-{ids[-1]}"' in deepest.get_data(True)
    auth.login_through_session()
    author_page = client.get(post[1])
    assert author_page.status_code == 200
    assert comment_anchors(author_page.get_data(as_text=True)) == ids
    assert admin_rows(client) == set(ids)
    assert client.get(f"/comments/{ids[-1]}/", follow_redirects=True).status_code == 200


def test_nesting_stops_at_ten_whatever_the_setting(app, post):
    ids = reply_chain(app, post[0])
    app.config["COMMENT_MAX_DEPTH"] = 1_000_000
    response = app.test_client().get(post[1])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert nesting(html) == 10 and comment_anchors(html) == ids


def test_deleting_inside_a_deep_chain_leaves_placeholders(app, client, post, auth):
    ids = reply_chain(app, post[0])
    auth.login_through_session()
    token = csrf_token(client.get("/admin/comments"))
    for comment_id in (ids[0], ids[CHAIN // 2], ids[-1]):
        for action in ("trash", "delete"):
            url = f"/admin/comments/{comment_id}/{action}"
            assert client.post(url, data={"csrf_token": token}).status_code == 302
    html = app.test_client().get(post[1]).get_data(as_text=True)
    assert comment_anchors(html) == ids[:-1]  # the last had no replies: gone for good
    assert html.count("This comment was removed.") == 2


def test_logged_in_author_comments_as_themselves(app, client, post, auth):
    auth.login_through_session()
    html = client.get(post[1]).get_data(as_text=True)
    assert 'name="author"' not in html and 'name="email"' not in html
    assert "Logged in as Ada Author." in html
    response = submit(client, post, comment="Thanks for reading!")
    assert response.status_code == 303
    [comment] = stored(app)
    assert comment.status == CommentStatus.APPROVED and comment.author_name == "Ada Author"
    public = app.test_client().get(post[1]).get_data(as_text=True)
    assert "Thanks for reading!" in public and "Post author" in public


def test_save_my_details_only_when_ticked(app, client, post):
    submit(client, post, **reader(url="https://rita.example/"))
    assert client.get_cookie("comment_author") is None
    assert 'value="Rita Reader"' not in client.get(post[1]).get_data(as_text=True)

    submit(client, post, **reader(comment="second", url="https://rita.example/", save_details="y"))
    cookie = client.get_cookie("comment_author")
    assert cookie is not None and cookie.http_only
    html = client.get(post[1]).get_data(as_text=True)
    assert 'value="Rita Reader"' in html and 'value="rita@example.com"' in html
    assert 'value="https://rita.example/"' in html
    assert re.search(r'<input checked id="save_details"', html)

    submit(client, post, **reader(comment="third, forget me"))
    assert client.get_cookie("comment_author") is None


def test_discussion_pages_by_thread(app, client, post):
    app.config.update(COMMENT_THREADS_PER_PAGE=2, COMMENT_HOLD_FIRST=False)
    for number in range(5):
        submit(client, post, **reader(comment=f"thread {number}"))
    newest = client.get(post[1]).get_data(as_text=True)
    assert "thread 4" in newest and "thread 3" not in newest
    first = client.get(post[1] + "?cpage=1").get_data(as_text=True)
    assert "thread 0" in first and "thread 1" in first and "thread 2" not in first
    assert 'aria-label="Comment pages"' in first
    assert "5 Responses to" in first
    assert client.get(post[1] + "?cpage=4").status_code == 404
    assert client.get(post[1] + "?cpage=zero").status_code == 404
    response = submit(client, post, **reader(comment="thread 5"))
    assert "?cpage=3#comment-" in response.headers["Location"]
    app.config["COMMENT_DEFAULT_PAGE"] = "oldest"
    assert "thread 0" in client.get(post[1]).get_data(as_text=True)


def test_commenter_email_and_address_never_reach_public_pages(app, client, make_post):
    post_id = make_post("Private", slug="private", tags=["Secrets"])
    url = permalink(client, "Private")
    email = f"unique-{uuid.uuid4().hex}@example.org"
    submit(client, (post_id, url), **reader(email=email))
    comment = stored(app)[-1]
    set_status(app, comment.id, CommentStatus.APPROVED)
    stranger = app.test_client()
    for page in ("/", url, "/tag/secrets/", f"{url}?replytocom={comment.id}"):
        html = stranger.get(page).get_data(as_text=True)
        assert email not in html
        assert email.split("@")[0] not in html
    assert "Rita Reader" in stranger.get(url).get_data(as_text=True)


def test_the_same_form_sent_twice_stores_one_comment(app, client, post):
    post_id, url = post
    hidden = hidden_fields(client.get(url).get_data(as_text=True), COMMENT_FORM_HIDDEN)
    data = {**hidden, **reader(comment="Double click!")}
    first = client.post(f"/posts/{post_id}/comments", data=data)
    second = client.post(f"/posts/{post_id}/comments", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    [comment] = stored(app)
    assert comment.form_nonce and len(comment.form_nonce) <= 32
    # A fresh form is a new comment, even with the same words from someone else.
    submit(client, post, **reader(comment="Double click!", email="other@example.com"))
    assert len(stored(app)) == 2


def test_a_form_sent_twice_at_once_stores_one_comment(app, client, post, monkeypatch):
    """Both requests pass the look-up; the unique nonce decides at commit."""
    post_id, url = post
    hidden = hidden_fields(client.get(url).get_data(as_text=True), COMMENT_FORM_HIDDEN)
    data = {**hidden, **reader(comment="Racing")}
    assert client.post(f"/posts/{post_id}/comments", data=data).status_code == 303
    looked_up = []
    real = comment_views.sent_before

    def miss_once(nonce):
        looked_up.append(nonce)
        return None if len(looked_up) == 1 else real(nonce)

    monkeypatch.setattr(comment_views, "sent_before", miss_once)
    monkeypatch.setattr(comment_views, "is_duplicate", lambda comment: False)
    response = client.post(f"/posts/{post_id}/comments", data=data)
    assert response.status_code == 303
    assert len(looked_up) == 2 and len(stored(app)) == 1
