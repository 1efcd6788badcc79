"""The moderation screen: tabs, row and bulk actions, editing, replying, and what readers see."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from blog.admin.comments import ACTIONS, LABELS
from blog.extensions import db
from blog.forms import CSRF_EXPIRED_MESSAGE
from blog.models import Comment, CommentStatus, Post, User
from blog.urls import post_url
from tests.conftest import csrf_token, permalink

TITLE = "Moderated post"
STATUSES = [status.value for status in CommentStatus]
TABS = ["pending", "approved", "spam", "trash"]
NOTHING_TICKED = "Tick some comments and choose an action."
BAD_WEBSITE = "Enter a web address starting with http:// or https://."
COLUMNS = (
    "id", "post_id", "parent_id", "root_id", "user_id", "author_name", "author_email",
    "author_url", "author_ip", "body", "body_html", "status", "created_at",
)  # fmt: skip


# --- Fixtures and helpers ---------------------------------------------------


@pytest.fixture
def post_id(make_post):
    return make_post(TITLE)


def comment_row(app, comment_id: int) -> dict | None:
    """The stored comment as a dict, or None when the row is gone."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return None if comment is None else {name: getattr(comment, name) for name in COLUMNS}


def status_of(app, comment_id: int) -> str | None:
    row = comment_row(app, comment_id)
    return None if row is None else row["status"]


def snapshot(app) -> list[tuple]:
    """Every comment, every column: to show that a request changed nothing."""
    with app.app_context():
        comments = db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()
        return [tuple(getattr(comment, name) for name in COLUMNS) for comment in comments]


def token(client) -> str:
    """A CSRF token for the logged-in author (every page carries one in the logout form)."""
    return csrf_token(client.get("/admin/"))


def act(client, comment_id: int, action: str, tab: str | None = None):
    query = f"?status={tab}" if tab else ""
    return client.post(
        f"/admin/comments/{comment_id}/{action}{query}", data={"csrf_token": token(client)}
    )


def bulk(client, ids: list[int], action: str, tab: str | None = None):
    query = f"?status={tab}" if tab else ""
    return client.post(
        f"/admin/comments/bulk{query}",
        data={"csrf_token": token(client), "action": action, "ids": [str(i) for i in ids]},
    )


def flashes(client, response) -> str:
    """The page a redirect leads to, with its flashed messages."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def row_ids(html: str) -> list[int]:
    return [int(value) for value in re.findall(r'<tr id="row-(\d+)">', html)]


def admin_row(html: str, comment_id: int) -> str:
    match = re.search(rf'<tr id="row-{comment_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for comment {comment_id}"
    return match.group(1)


def tab_counts(html: str) -> dict[str, int]:
    found = re.findall(r'>(\w+) <span class="count">\((\d+)\)</span></a>', html)
    return {name.lower(): int(count) for name, count in found}


def reader_page(app, title: str = TITLE) -> str:
    """The post page as an anonymous reader sees it, in a fresh browser."""
    reader = app.test_client()
    response = reader.get(permalink(reader, title))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def heading(html: str) -> str | None:
    match = re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html, re.S)
    return " ".join(match.group(1).split()) if match else None


@dataclass
class Shown:
    parent: int | None  # the comment this one is nested under on the page
    classes: set[str] = field(default_factory=set)
    text: str = ""


class DiscussionParser(HTMLParser):
    """The comment tree of a post page: which comment sits inside which."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []  # open <li> elements
        self.comments: dict[int, Shown] = {}
        self.current: int | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li":
            self.items.append({"id": None, "classes": set((attrs.get("class") or "").split())})
        match = re.fullmatch(r"comment-(\d+)", attrs.get("id") or "")
        if tag == "article" and match and self.items and self.items[-1]["id"] is None:
            enclosing = [item["id"] for item in self.items[:-1] if item["id"] is not None]
            comment_id = int(match.group(1))
            self.items[-1]["id"] = comment_id
            self.comments[comment_id] = Shown(
                enclosing[-1] if enclosing else None, self.items[-1]["classes"]
            )
            self.current = comment_id

    def handle_endtag(self, tag):
        if tag == "li" and self.items:
            self.items.pop()
        if tag == "article":
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.comments[self.current].text += data


def discussion(html: str) -> dict[int, Shown]:
    parser = DiscussionParser()
    parser.feed(html)
    return parser.comments


def edit_data(**overrides) -> dict:
    data = {
        "author_name": "Edited Name",
        "author_email": "edited@example.com",
        "author_url": "https://edited.example.com/",
        "comment": "Edited text.",
        "status": "approved",
        "save": "Save",
    }
    data.update(overrides)
    return data


# --- Logins and CSRF --------------------------------------------------------

GET_URLS = [
    "/admin/comments",
    "/admin/comments?status=spam",
    "/admin/comments/{id}/edit",
    "/admin/comments/{id}/reply",
]
POSTS = {
    "row action": ("/admin/comments/{id}/approve", {}),
    "bulk action": ("/admin/comments/bulk", {"action": "approve", "ids": "{id}"}),
    "edit": ("/admin/comments/{id}/edit", edit_data(comment="Vandalised.")),
    "reply": ("/admin/comments/{id}/reply", {"comment": "Forged reply.", "submit": "Reply"}),
}


# The edit and reply forms carry their text through the login (blog/unsaved.py):
# the login page answers them itself, and nothing is written.
CARRIED_THROUGH_THE_LOGIN = frozenset({"edit", "reply"})


def assert_sent_to_the_login(response, name: str) -> None:
    if name in CARRIED_THROUGH_THE_LOGIN:
        assert response.status_code == 401
        assert 'class="login-form"' in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def post_request(name: str, comment_id: int) -> tuple[str, dict]:
    url, data = POSTS[name]
    return url.format(id=comment_id), {
        key: value.format(id=comment_id) for key, value in data.items()
    }


@pytest.mark.parametrize("url", GET_URLS)
def test_moderation_pages_need_a_login(client, author, post_id, make_comment, url):
    comment_id = make_comment(post_id, status="pending")
    response = client.get(url.format(id=comment_id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("name", POSTS)
def test_anonymous_posts_without_a_token_change_nothing(
    app, client, author, post_id, make_comment, name
):
    comment_id = make_comment(post_id, status="pending")
    before = snapshot(app)
    url, data = post_request(name, comment_id)
    response = client.post(url, data=data)
    if response.status_code != 400:  # refused for the token before the login is asked
        assert_sent_to_the_login(response, name)
    assert snapshot(app) == before


@pytest.mark.parametrize("name", POSTS)
def test_anonymous_posts_with_a_valid_token_are_sent_to_login(
    app, client, author, post_id, make_comment, name
):
    comment_id = make_comment(post_id, status="pending")
    before = snapshot(app)
    url, data = post_request(name, comment_id)
    response = client.post(url, data={"csrf_token": csrf_token(client.get("/login")), **data})
    assert_sent_to_the_login(response, name)
    assert snapshot(app) == before


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("bad_token", [None, "not-a-real-token"])
def test_posts_without_a_valid_csrf_token_change_nothing(
    app, client, auth, post_id, make_comment, name, bad_token
):
    comment_id = make_comment(post_id, status="pending")
    auth.login_through_session()
    before = snapshot(app)
    url, data = post_request(name, comment_id)
    if bad_token:
        data["csrf_token"] = bad_token
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert CSRF_EXPIRED_MESSAGE in html
    if name in ("edit", "reply"):
        # Form views answer themselves, keeping what was typed.
        assert response.status_code == 422
        assert data["comment"] in html
    else:
        assert response.status_code == 400
    assert snapshot(app) == before


# --- The list ----------------------------------------------------------------


def test_tabs_list_their_comments_newest_first_with_counts(
    app, client, auth, post_id, make_comment
):
    ids = {status: [] for status in STATUSES}
    for status, how_many in [
        ("pending", 2),
        ("approved", 1),
        ("spam", 3),
        ("trash", 1),
        ("removed", 1),
    ]:
        for _ in range(how_many):
            ids[status].append(make_comment(post_id, status=status))
    auth.login_through_session()
    for tab in TABS:
        html = client.get(f"/admin/comments?status={tab}").get_data(as_text=True)
        assert tab_counts(html) == {"pending": 2, "approved": 1, "spam": 3, "trash": 1}
        assert row_ids(html) == sorted(ids[tab], reverse=True)
        assert re.search(rf'status={tab}" aria-current="page">{tab.capitalize()} <', html)
        assert f"<caption>{tab.capitalize()} comments</caption>" in html
    # No tab, or an unknown one, is the pending tab; removed placeholders are never listed.
    for url in ["/admin/comments", "/admin/comments?status=removed"]:
        html = client.get(url).get_data(as_text=True)
        assert row_ids(html) == sorted(ids["pending"], reverse=True)


def test_tab_buttons_offer_only_the_actions_that_fit(client, auth, post_id, make_comment):
    ids = {tab: make_comment(post_id, status=tab) for tab in TABS}
    auth.login_through_session()
    for tab in TABS:
        html = client.get(f"/admin/comments?status={tab}").get_data(as_text=True)
        offered = re.findall(rf"/admin/comments/{ids[tab]}/([\w-]+)\?status={tab}", html)
        assert offered == [name for name, (sources, _) in ACTIONS.items() if tab in sources]
        options = re.findall(r'<option value="([\w-]+)">', html)
        assert options == offered


def test_empty_tab_says_so(client, auth, post_id, make_comment):
    make_comment(post_id, status="pending")
    auth.login_through_session()
    html = client.get("/admin/comments?status=spam").get_data(as_text=True)
    assert "No spam comments." in html
    assert row_ids(html) == []


def test_row_shows_who_what_where_and_when(app, client, auth, post_id, make_comment):
    parent = make_comment(post_id, author_name="Grace Parent")
    long_body = " ".join(f"word{n}" for n in range(1, 61))
    reply = make_comment(
        post_id,
        status="pending",
        parent_id=parent,
        author_name="Linus Replier",
        author_email="linus@example.org",
        author_ip="2001:db8::42",
        author_url="https://linus.example.org/",
        body=long_body,
        created_at=datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
    )
    auth.login_through_session()
    html = client.get("/admin/comments?status=pending").get_data(as_text=True)
    row = admin_row(html, reply)
    assert "<strong>Linus Replier</strong>" in row
    assert '<a href="mailto:linus@example.org">linus@example.org</a>' in row
    assert '<span class="ip">2001:db8::42</span>' in row
    assert '<span class="url">https://linus.example.org/</span>' in row
    assert "In reply to Grace Parent" in row
    # An excerpt: the first 40 words, not the whole comment.
    assert "word1 word2" in row and "word40…" in row and "word41" not in row
    with app.test_request_context():
        url = post_url(db.session.get(Post, post_id))
    assert f'<a href="{url}">{TITLE}</a>' in row
    assert '<time datetime="2024-03-05T14:30:00+00:00">March 5, 2024 at 14:30</time>' in row
    # A top-level comment is not "in reply to" anyone.
    approved = client.get("/admin/comments?status=approved").get_data(as_text=True)
    assert "In reply to" not in admin_row(approved, parent)


def test_pending_count_in_the_admin_nav(client, auth, post_id, make_post, make_comment):
    other_post = make_post("Another post")
    first = make_comment(post_id, status="pending")
    make_comment(post_id, status="pending")
    make_comment(other_post, status="pending")
    make_comment(post_id, status="approved")
    make_comment(post_id, status="spam")
    # Readers never see the queue.
    assert "pending)" not in client.get("/").get_data(as_text=True)
    auth.login_through_session()
    for url in ["/", "/admin/", "/admin/comments?status=trash"]:
        assert '<span class="count">(3 pending)</span>' in client.get(url).get_data(as_text=True)
    act(client, first, "approve")
    assert "(2 pending)" in client.get("/admin/").get_data(as_text=True)


def test_no_pending_count_when_nothing_is_held(client, auth, post_id, make_comment):
    make_comment(post_id, status="approved")
    auth.login_through_session()
    html = client.get("/admin/").get_data(as_text=True)
    assert ">Comments</a>" in html
    assert "pending)" not in html


# --- Row actions ---------------------------------------------------------------

ALL_CASES = [(action, status) for action in ACTIONS for status in STATUSES]


@pytest.mark.parametrize(("action", "status"), ALL_CASES)
def test_row_action(app, client, auth, post_id, make_comment, action, status):
    sources, target = ACTIONS[action]
    fits = status in sources
    comment_id = make_comment(post_id, status=status, body="The comment under moderation.")
    before = snapshot(app)
    auth.login_through_session()
    response = act(client, comment_id, action, tab="spam")
    assert response.headers["Location"] == "/admin/comments?status=spam"
    count = 1 if fits else 0
    message = f"{LABELS[action]}: {count} comment{'' if count == 1 else 's'}."
    assert message in flashes(client, response)
    if not fits:
        assert snapshot(app) == before
    elif target is None:
        assert comment_row(app, comment_id) is None
    else:
        assert status_of(app, comment_id) == target
    public = reader_page(app)
    shown = status_of(app, comment_id) == "approved"
    assert ("The comment under moderation." in public) == shown
    assert (comment_id in discussion(public)) == shown
    assert heading(public) == (f"One Response to “{TITLE}”" if shown else None)


def test_the_rules_of_the_actions():
    """Pin the moderation rules, so a change to them is a deliberate one."""
    assert {name: (set(sources), target) for name, (sources, target) in ACTIONS.items()} == {
        "approve": ({"pending", "spam", "trash"}, "approved"),
        "unapprove": ({"approved"}, "pending"),
        "spam": ({"pending", "approved"}, "spam"),
        "not-spam": ({"spam"}, "pending"),
        "trash": ({"pending", "approved", "spam"}, "trash"),
        "restore": ({"trash"}, "pending"),
        "delete": ({"spam", "trash"}, None),
    }


def test_the_heading_count_follows_the_actions(app, client, auth, post_id, make_comment):
    first = make_comment(post_id, body="First approved words.")
    second = make_comment(post_id, body="Second approved words.")
    make_comment(post_id, status="pending", body="Still held words.")
    auth.login_through_session()
    assert heading(reader_page(app)) == f"2 Responses to “{TITLE}”"
    act(client, first, "trash")
    page = reader_page(app)
    assert heading(page) == f"One Response to “{TITLE}”"
    assert "First approved words." not in page and "Second approved words." in page
    act(client, second, "spam")
    page = reader_page(app)
    assert heading(page) is None
    assert "approved words." not in page and "Still held words." not in page
    act(client, second, "not-spam")
    assert status_of(app, second) == "pending"
    assert heading(reader_page(app)) is None
    act(client, second, "approve")
    act(client, first, "restore")
    act(client, first, "approve")
    assert heading(reader_page(app)) == f"2 Responses to “{TITLE}”"
    act(client, second, "unapprove")
    page = reader_page(app)
    assert heading(page) == f"One Response to “{TITLE}”"
    assert "First approved words." in page and "Second approved words." not in page


def test_an_action_that_does_not_fit_changes_nothing(app, client, auth, post_id, make_comment):
    comment_id = make_comment(post_id, status="approved")
    auth.login_through_session()
    before = snapshot(app)
    for action in ["restore", "approve", "not-spam", "delete"]:
        response = act(client, comment_id, action, tab="approved")
        assert f"{LABELS[action]}: 0 comments." in flashes(client, response)
    assert snapshot(app) == before


def test_an_unknown_action_is_404(app, client, auth, post_id, make_comment):
    comment_id = make_comment(post_id, status="pending")
    auth.login_through_session()
    before = snapshot(app)
    for action in ["publish", "destroy", "APPROVE", "edit-all"]:
        assert act(client, comment_id, action).status_code == 404
    assert snapshot(app) == before


def test_an_action_on_a_missing_comment_is_404(app, client, auth, post_id, make_comment):
    make_comment(post_id, status="pending")
    auth.login_through_session()
    before = snapshot(app)
    assert act(client, 999_999, "approve").status_code == 404
    assert client.get("/admin/comments/999999/edit").status_code == 404
    assert client.get("/admin/comments/999999/reply").status_code == 404
    assert snapshot(app) == before


# --- Bulk actions ---------------------------------------------------------------


def test_bulk_action_on_ticked_rows(app, client, auth, post_id, make_comment):
    ticked = [make_comment(post_id, status="pending") for _ in range(3)]
    left = make_comment(post_id, status="pending")
    auth.login_through_session()
    response = bulk(client, ticked, "approve", tab="pending")
    assert response.headers["Location"] == "/admin/comments?status=pending"
    html = flashes(client, response)
    assert "Approve: 3 comments." in html
    assert row_ids(html) == [left]
    assert [status_of(app, i) for i in ticked] == ["approved"] * 3
    assert status_of(app, left) == "pending"
    assert heading(reader_page(app)) == f"3 Responses to “{TITLE}”"


def test_bulk_action_changes_only_the_rows_it_fits(app, client, auth, post_id, make_comment):
    pending = make_comment(post_id, status="pending")
    approved = make_comment(post_id, status="approved")
    trash = make_comment(post_id, status="trash")
    auth.login_through_session()
    html = flashes(client, bulk(client, [pending, approved, trash], "spam"))
    assert "Spam: 2 comments." in html
    assert [status_of(app, i) for i in (pending, approved, trash)] == ["spam", "spam", "trash"]


def test_bulk_delete_from_the_trash(app, client, auth, post_id, make_comment):
    doomed = [make_comment(post_id, status="trash") for _ in range(2)]
    spam = make_comment(post_id, status="spam")
    kept = make_comment(post_id, status="trash")
    auth.login_through_session()
    html = flashes(client, bulk(client, [*doomed, spam], "delete", tab="trash"))
    assert "Delete permanently: 3 comments." in html
    assert [comment_row(app, i) for i in (*doomed, spam)] == [None, None, None]
    assert row_ids(html) == [kept]


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve"},
        {"action": "approve", "ids": ""},
        {"action": "approve", "ids": "abc"},
        {"action": "", "ids": "{id}"},
        {"action": "vaporise", "ids": "{id}"},
        {"ids": "{id}"},
    ],
)
def test_bulk_with_nothing_ticked_or_no_action_says_so(
    app, client, auth, post_id, make_comment, data
):
    comment_id = make_comment(post_id, status="pending")
    auth.login_through_session()
    before = snapshot(app)
    form = {key: value.format(id=comment_id) for key, value in data.items()}
    response = client.post(
        "/admin/comments/bulk?status=pending", data={"csrf_token": token(client), **form}
    )
    assert response.headers["Location"] == "/admin/comments?status=pending"
    assert NOTHING_TICKED in flashes(client, response)
    assert snapshot(app) == before


# --- Replies outlive their parent -------------------------------------------------


@pytest.mark.parametrize("action", ["trash", "spam", "unapprove"])
def test_hiding_a_comment_keeps_its_approved_replies(
    app, client, auth, post_id, make_comment, action
):
    parent = make_comment(post_id, author_name="Hidden Harry", body="Parent words here.")
    reply = make_comment(post_id, parent_id=parent, body="Reply words here.")
    nested = make_comment(post_id, parent_id=reply, body="Nested words here.")
    held = make_comment(post_id, status="pending", parent_id=parent, body="Held words here.")
    auth.login_through_session()
    act(client, parent, action)
    page = reader_page(app)
    tree = discussion(page)
    assert tree[parent].parent is None and "removed" in tree[parent].classes
    assert tree[parent].text.split() == ["This", "comment", "was", "removed."]
    assert tree[reply].parent == parent and "removed" not in tree[reply].classes
    assert tree[nested].parent == reply
    assert held not in tree
    for hidden in ["Hidden Harry", "Parent words here.", "Held words here."]:
        assert hidden not in page
    assert "Reply words here." in page and "Nested words here." in page
    assert heading(page) == f"2 Responses to “{TITLE}”"


def test_deleting_a_comment_with_replies_keeps_an_anonymous_placeholder(
    app, client, auth, post_id, make_comment
):
    parent = make_comment(
        post_id,
        author_name="Gone Gary",
        author_email="gary@example.net",
        author_ip="192.0.2.77",
        author_url="https://gary.example.net/",
        body="Words to be forgotten.",
    )
    reply = make_comment(post_id, parent_id=parent, body="The reply stays.")
    auth.login_through_session()
    act(client, parent, "trash")
    response = act(client, parent, "delete", tab="trash")
    assert "Delete permanently: 1 comment." in flashes(client, response)
    row = comment_row(app, parent)
    assert row is not None
    assert row["status"] == "removed"
    assert {key: row[key] for key in ("author_name", "author_email", "author_url")} == {
        "author_name": "",
        "author_email": "",
        "author_url": "",
    }
    assert (row["author_ip"], row["body"], row["body_html"]) == ("", "", "")
    assert comment_row(app, reply)["parent_id"] == parent
    page = reader_page(app)
    tree = discussion(page)
    assert "removed" in tree[parent].classes
    assert tree[reply].parent == parent
    assert "The reply stays." in page
    for gone in ["Gone Gary", "gary", "Words to be forgotten.", "192.0.2.77"]:
        assert gone not in page
    assert heading(page) == f"One Response to “{TITLE}”"
    # The placeholder is in no tab, and cannot be edited, answered or acted on again.
    for tab in TABS:
        html = client.get(f"/admin/comments?status={tab}").get_data(as_text=True)
        assert parent not in row_ids(html)
        assert "Gone Gary" not in html and "gary@example.net" not in html
        assert tab_counts(html) == {"pending": 0, "approved": 1, "spam": 0, "trash": 0}
    approved = client.get("/admin/comments?status=approved").get_data(as_text=True)
    assert "In reply to a removed comment" in admin_row(approved, reply)
    assert client.get(f"/admin/comments/{parent}/edit").status_code == 404
    assert client.get(f"/admin/comments/{parent}/reply").status_code == 404
    before = snapshot(app)
    for action in ACTIONS:
        act(client, parent, action)
    assert snapshot(app) == before


def test_placeholder_of_the_authors_own_comment_is_anonymous_too(
    app, client, auth, author, post_id, make_comment
):
    """A placeholder must not say who wrote the comment, the post author included."""
    parent = make_comment(
        post_id, author_name="Ada Author", author_email="", author_ip="", user_id=author
    )
    reply = make_comment(post_id, parent_id=parent, body="A reader answers the author.")
    auth.login_through_session()
    act(client, parent, "trash")
    act(client, parent, "delete")
    tree = discussion(reader_page(app))
    assert tree[reply].parent == parent
    assert "removed" in tree[parent].classes
    assert "by-post-author" not in tree[parent].classes
    row = comment_row(app, parent)
    assert row["status"] == "removed"
    assert row["user_id"] is None


def test_deleting_a_comment_without_replies_removes_the_row(
    app, client, auth, post_id, make_comment
):
    parent = make_comment(post_id, body="The parent stays.")
    reply = make_comment(post_id, status="spam", parent_id=parent, body="Buy pills.")
    auth.login_through_session()
    act(client, reply, "delete", tab="spam")
    assert comment_row(app, reply) is None
    assert comment_row(app, parent)["status"] == "approved"
    page = reader_page(app)
    assert list(discussion(page)) == [parent]
    assert "Buy pills." not in page


def test_deleting_a_parent_with_only_a_spam_reply_keeps_the_reply_hidden(
    app, client, auth, post_id, make_comment
):
    parent = make_comment(post_id, status="trash", body="Trashed parent.")
    make_comment(post_id, status="spam", parent_id=parent, body="Spammy reply.")
    auth.login_through_session()
    act(client, parent, "delete")
    page = reader_page(app)
    assert "This comment was removed." not in page
    assert "Spammy reply." not in page
    assert heading(page) is None


# --- Editing -------------------------------------------------------------------


def test_edit_form_shows_the_comment(client, auth, post_id, make_comment):
    comment_id = make_comment(
        post_id,
        status="spam",
        author_name="Edith Before",
        author_email="edith@example.com",
        author_url="https://edith.example.com/",
        body="Original words.",
    )
    auth.login_through_session()
    html = client.get(f"/admin/comments/{comment_id}/edit").get_data(as_text=True)
    assert "Edit the comment by Edith Before" in html
    assert 'value="Edith Before"' in html
    assert 'value="edith@example.com"' in html
    assert 'value="https://edith.example.com/"' in html
    assert re.search(r"<textarea[^>]*>\s*Original words.</textarea>", html)
    assert re.search(r'<option selected value="spam">|<option value="spam" selected', html)


def test_editing_changes_the_comment(app, client, auth, post_id, make_comment):
    comment_id = make_comment(
        post_id,
        status="pending",
        author_name="Typo Tom",
        author_email="tom@example.com",
        author_ip="203.0.113.9",
        body="Teh original.",
    )
    auth.login_through_session()
    response = client.post(
        f"/admin/comments/{comment_id}/edit",
        data={
            "csrf_token": token(client),
            **edit_data(
                author_name="Tidy Tom",
                author_email="tidy@example.com",
                author_url="https://tidy.example.com/",
                comment="The <strong>fixed</strong> text.<script>alert(1)</script>\r\n\r\n"
                "See https://example.com/more",
                status="approved",
            ),
        },
    )
    assert response.headers["Location"] == "/admin/comments?status=approved"
    assert "Comment saved." in flashes(client, response)
    row = comment_row(app, comment_id)
    assert row["author_name"] == "Tidy Tom"
    assert row["author_email"] == "tidy@example.com"
    assert row["author_url"] == "https://tidy.example.com/"
    assert row["author_ip"] == "203.0.113.9"
    assert row["status"] == "approved"
    assert "\r" not in row["body"]
    assert row["body"].startswith("The <strong>fixed</strong> text.")
    # Re-rendered on save: allowed tags kept, the rest escaped, links made safe.
    assert "<strong>fixed</strong>" in row["body_html"]
    assert "<script" not in row["body_html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row["body_html"]
    assert 'href="https://example.com/more" rel="nofollow ugc noopener"' in row["body_html"]
    assert "Teh original" not in row["body_html"]
    page = reader_page(app)
    assert "<strong>fixed</strong>" in page and "<script>alert" not in page
    assert re.search(r'<a class="url" href="https://tidy.example.com/"[^>]*>Tidy Tom</a>', page)
    assert "Typo Tom" not in page


def test_editing_the_status_moves_the_comment(app, client, auth, post_id, make_comment):
    comment_id = make_comment(post_id, status="approved", body="Moving along.")
    auth.login_through_session()
    url = f"/admin/comments/{comment_id}/edit"
    data = edit_data(comment="Moving along.", status="trash")
    response = client.post(url, data={"csrf_token": token(client), **data})
    assert response.headers["Location"] == "/admin/comments?status=trash"
    assert status_of(app, comment_id) == "trash"
    assert "Moving along." not in reader_page(app)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("author_url", "javascript:alert(document.cookie)", BAD_WEBSITE),
        ("author_url", " JavaScript:alert(1)", BAD_WEBSITE),
        ("author_url", "data:text/html,<script>alert(1)</script>", BAD_WEBSITE),
        ("author_email", "not an email", "Invalid email address."),
        ("author_name", "", "This field is required."),
        ("comment", "   ", "This field is required."),
        ("status", "removed", "Not a valid choice."),
        ("status", "published", "Not a valid choice."),
    ],
)
def test_bad_edits_are_refused_with_the_text_kept(
    app, client, auth, post_id, make_comment, field, value, message
):
    comment_id = make_comment(post_id, status="approved", body="Untouched words.")
    auth.login_through_session()
    before = snapshot(app)
    data = edit_data(comment="My careful correction.", author_name="Careful Name")
    data[field] = value
    response = client.post(
        f"/admin/comments/{comment_id}/edit", data={"csrf_token": token(client), **data}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert message in html
    if field != "comment":
        assert "My careful correction." in html
    if field != "author_name":
        assert 'value="Careful Name"' in html
    assert snapshot(app) == before
    assert 'href="javascript' not in reader_page(app).lower()


def test_a_removed_placeholder_cannot_be_edited(app, client, auth, post_id, make_comment):
    parent = make_comment(post_id, status="trash")
    make_comment(post_id, parent_id=parent)
    auth.login_through_session()
    act(client, parent, "delete")
    before = snapshot(app)
    response = client.post(
        f"/admin/comments/{parent}/edit", data={"csrf_token": token(client), **edit_data()}
    )
    assert response.status_code == 404
    assert snapshot(app) == before


# --- Replying from the screen ------------------------------------------------------


def send_reply(app, client, parent_id: int, text: str):
    """Reply from the screen. An error in the view comes back as the 500 page a
    browser would get (not as an exception), so a test can still look at what
    was saved; the redirect itself is checked by its own test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return client.post(
        f"/admin/comments/{parent_id}/reply",
        data={"csrf_token": token(client), "comment": text, "submit": "Reply"},
    )


def replies_to(app, parent_id: int) -> list[dict]:
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Comment.id).where(Comment.parent_id == parent_id).order_by(Comment.id)
        ).all()
    return [comment_row(app, comment_id) for comment_id in ids]


def test_reply_form_shows_the_comment_answered(client, auth, post_id, make_comment):
    parent = make_comment(
        post_id, status="pending", author_name="Quentin Question", body="Is this held?"
    )
    auth.login_through_session()
    html = client.get(f"/admin/comments/{parent}/reply").get_data(as_text=True)
    assert "Reply to Quentin Question" in html
    assert "Is this held?" in html
    assert f">{TITLE}</a>" in html
    assert "Replying approves this comment." in html
    approved = make_comment(post_id, status="approved")
    html = client.get(f"/admin/comments/{approved}/reply").get_data(as_text=True)
    assert "Replying approves this comment." not in html


def test_replying_approves_a_held_comment_and_publishes_the_reply(
    app, client, auth, author, post_id, make_comment
):
    parent = make_comment(
        post_id, status="pending", author_name="Quentin Question", body="Is this held?"
    )
    auth.login_through_session()
    send_reply(app, client, parent, "It was, not now.")
    [reply] = replies_to(app, parent)
    with app.app_context():
        name = db.session.get(User, author).display_name
    assert (reply["user_id"], reply["author_name"]) == (author, name)
    assert (reply["post_id"], reply["root_id"], reply["status"]) == (post_id, parent, "approved")
    assert reply["body_html"].strip() == "<p>It was, not now.</p>"
    assert status_of(app, parent) == "approved"
    page = reader_page(app)
    tree = discussion(page)
    assert tree[parent].parent is None
    assert tree[reply["id"]].parent == parent
    assert "by-post-author" in tree[reply["id"]].classes
    assert "Post author" in tree[reply["id"]].text
    assert "Post author" not in tree[parent].text
    assert "Is this held?" in page and "It was, not now." in page
    assert heading(page) == f"2 Responses to “{TITLE}”"
    # The author's reply is listed as theirs, in reply to the reader.
    approved = client.get("/admin/comments?status=approved").get_data(as_text=True)
    assert "(you)" in admin_row(approved, reply["id"])
    assert "In reply to Quentin Question" in admin_row(approved, reply["id"])
    assert "(you)" not in admin_row(approved, parent)


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_replying_redirects_to_the_new_reply(app, client, auth, post_id, make_comment, status):
    parent = make_comment(post_id, status=status)
    auth.login_through_session()
    response = send_reply(app, client, parent, "Thanks for writing.")
    [reply] = replies_to(app, parent)
    assert response.status_code == 302
    url = permalink(app.test_client(), TITLE)
    assert response.headers["Location"] == f"{url}#comment-{reply['id']}"


def test_replying_deep_in_a_thread_keeps_its_root(app, client, auth, post_id, make_comment):
    root = make_comment(post_id)
    child = make_comment(post_id, parent_id=root)
    auth.login_through_session()
    send_reply(app, client, child, "Deep answer.")
    [reply] = replies_to(app, child)
    assert (reply["root_id"], reply["status"]) == (root, "approved")
    tree = discussion(reader_page(app))
    assert tree[reply["id"]].parent == child and tree[child].parent == root


@pytest.mark.parametrize("status", ["spam", "trash"])
def test_replying_to_spam_or_trash_is_404(app, client, auth, post_id, make_comment, status):
    parent = make_comment(post_id, status=status)
    auth.login_through_session()
    before = snapshot(app)
    assert client.get(f"/admin/comments/{parent}/reply").status_code == 404
    response = client.post(
        f"/admin/comments/{parent}/reply",
        data={"csrf_token": token(client), "comment": "Should not be saved."},
    )
    assert response.status_code == 404
    assert snapshot(app) == before


def test_an_empty_reply_is_refused_and_the_parent_stays_held(
    app, client, auth, post_id, make_comment
):
    parent = make_comment(post_id, status="pending")
    auth.login_through_session()
    before = snapshot(app)
    response = client.post(
        f"/admin/comments/{parent}/reply",
        data={"csrf_token": token(client), "comment": ""},
    )
    assert response.status_code == 422
    assert 'id="comment-error"' in response.get_data(as_text=True)
    assert snapshot(app) == before


# --- The dashboard --------------------------------------------------------------


def dashboard_counts(html: str) -> dict[str, int]:
    rows = re.findall(
        r'<tr>\s*<td[^>]*><a href="[^"]+">([^<]+)</a></td>.*?<td[^>]*class="count">(\d+)</td>',
        html,
        re.S,
    )
    return {title: int(count) for title, count in rows}


def test_dashboard_counts_approved_comments_per_post(
    app, client, auth, post_id, make_post, make_comment
):
    quiet = make_post("Quiet post")
    busy = make_post("Busy post")
    for status in ["approved", "approved", "pending", "spam", "trash"]:
        make_comment(post_id, status=status)
    held = make_comment(busy, status="pending")
    make_comment(busy, status="approved")
    make_comment(quiet, status="spam")
    auth.login_through_session()
    html = client.get("/admin/").get_data(as_text=True)
    assert dashboard_counts(html) == {TITLE: 2, "Quiet post": 0, "Busy post": 1}
    act(client, held, "approve")
    html = client.get("/admin/").get_data(as_text=True)
    assert dashboard_counts(html) == {TITLE: 2, "Quiet post": 0, "Busy post": 2}


# --- Privacy -------------------------------------------------------------------


def test_emails_and_addresses_are_for_the_author_only(app, client, auth, post_id, make_comment):
    approved = make_comment(
        post_id,
        author_name="Private Pat",
        author_email="pat.private@example.com",
        author_ip="192.0.2.123",
        author_url="https://pat.example.com/",
        body="Pat says hello.",
    )
    make_comment(
        post_id,
        status="approved",
        parent_id=approved,
        author_email="replier.secret@example.com",
        author_ip="2001:db8::beef",
    )
    make_comment(
        post_id, status="pending", author_email="held@example.com", author_ip="198.51.100.250"
    )
    secrets = [
        "pat.private@example.com",
        "192.0.2.123",
        "replier.secret@example.com",
        "2001:db8::beef",
        "held@example.com",
        "198.51.100.250",
    ]
    page = reader_page(app)
    assert "Pat says hello." in page and "https://pat.example.com/" in page
    home = app.test_client().get("/").get_data(as_text=True)
    for secret in secrets:
        assert secret not in page
        assert secret not in home
    auth.login_through_session()
    admin = "".join(
        client.get(f"/admin/comments?status={tab}").get_data(as_text=True)
        for tab in ("pending", "approved")
    )
    for secret in secrets:
        assert secret in admin


def test_bulk_deleting_a_parent_with_its_only_reply_leaves_no_placeholder(
    app, client, auth, make_post
):
    post_id = make_post("Thread", slug="thread")
    with app.app_context():
        parent = Comment(post_id=post_id, author_name="P", body="parent", status="trash")
        db.session.add(parent)
        db.session.flush()
        reply = Comment(post_id=post_id, parent_id=parent.id, root_id=parent.id,
                        author_name="R", body="reply", status="trash")  # fmt: skip
        db.session.add(reply)
        db.session.commit()
        ids = [parent.id, reply.id]
    auth.login_through_session()
    page = client.get("/admin/comments?status=trash")
    client.post(
        "/admin/comments/bulk?status=trash",
        data={"csrf_token": csrf_token(page), "action": "delete", "ids": ids},
    )
    with app.app_context():
        assert db.session.scalars(sa.select(Comment)).all() == []
