"""Mail against a real SMTP server on loopback: the author's, the readers', the outbox."""

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from blog import create_app
from blog.extensions import db
from blog.mail import outbox
from blog.mail.models import MailAddress, OutboxMessage, OutboxStatus, Subscription
from blog.models import Comment, CommentStatus, User, utcnow
from tests.conftest import app_config, csrf_token, empty_database, form_tokens, permalink

AUTHOR_MAILBOX = "ada@example.com"
MAIL_SETTINGS = {"MAIL_FROM": "blog@example.com", "MAIL_TO": AUTHOR_MAILBOX}


@pytest.fixture
def mail_config(smtp) -> dict:
    return {"MAIL_SERVER": smtp.url, **MAIL_SETTINGS}


@pytest.fixture
def app(database_url, mail_config):
    """The blog with mail on (the conftest fixtures built on ``app`` use this one)."""
    app = create_app(app_config(database_url, **mail_config))
    yield app
    empty_database(app)


@pytest.fixture
def post(make_post, client):
    post_id = make_post("Talk to me", slug="talk-to-me")
    return post_id, permalink(client, "Talk to me")


def comment(client, post, **fields):
    """Open the post page, then send the comment form as a browser would."""
    post_id, url = post
    data = {
        **form_tokens(client.get(url).get_data(as_text=True)),
        "comment": "What a lovely post.",
        "author": "Rita Reader",
        "email": "rita@example.com",
        "url": "https://rita.example/",
        **fields,
    }
    return client.post(f"/posts/{post_id}/comments", data={k: v for k, v in data.items() if v})


def send_mail(app) -> int:
    with app.app_context():
        return outbox.send_due()


def comments(app) -> list[Comment]:
    with app.app_context():
        found = db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()
        db.session.expunge_all()
        return found


def set_status(app, comment_id: int, status: str) -> None:
    """As the moderation screen does it (changes outside a request mail nobody)."""
    with app.test_request_context():
        db.session.get(Comment, comment_id).status = status
        db.session.commit()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def links(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- The author's mail ------------------------------------------------------


def test_a_held_comment_mails_the_author_once_with_what_they_need(app, client, post, smtp):
    assert comment(client, post).status_code == 303
    assert send_mail(app) == 1
    [message] = smtp.inbox.messages
    assert smtp.inbox.envelopes == [("blog@example.com", [AUTHOR_MAILBOX])]
    assert message["To"] == AUTHOR_MAILBOX
    assert message["From"] == "My Blog <blog@example.com>"
    assert message["Reply-To"] == "blog@example.com"
    assert "Please moderate" in message["Subject"] and "Talk to me" in message["Subject"]
    assert message["Message-ID"] and message["Date"]
    body = text_of(message)
    for expected in ("Rita Reader", "rita@example.com", "https://rita.example/", "127.0.0.1",
                     "What a lovely post.", "first comment from this email address"):  # fmt: skip
        assert expected in body
    assert send_mail(app) == 0  # sent once, not again


def test_the_review_link_changes_nothing_until_the_author_presses_a_button(
    app, client, auth, post, smtp
):
    comment(client, post)
    send_mail(app)
    approve = next(link for link in links(smtp.inbox.messages[0]) if "action=approve" in link)
    # A link scanner, or the author not logged in: the login page, nothing changed.
    response = client.get(path_of(approve))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(next_url=path_of(approve))
    page = client.get(path_of(approve))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for button in ("Approve", "Spam", "Trash"):
        assert f">{button}</button>" in html
    assert comments(app)[0].status == CommentStatus.PENDING
    [target] = re.findall(r'formaction="([^"]*/approve[^"]*)"', html)
    target = target.replace("&amp;", "&")
    assert client.post(target).status_code == 400  # no CSRF token, no change
    assert comments(app)[0].status == CommentStatus.PENDING
    assert client.post(target, data={"csrf_token": csrf_token(page)}).status_code == 302
    assert comments(app)[0].status == CommentStatus.APPROVED


def test_approved_comments_mail_the_author_only_when_asked(database_url, smtp, make_post):
    for setting, expected in (("pending", 0), ("all", 1), ("off", 0)):
        app = create_app(app_config(database_url, MAIL_SERVER=smtp.url, MAIL_AUTHOR_NOTIFY=setting,
                                    COMMENT_HOLD_FIRST=False, **MAIL_SETTINGS))  # fmt: skip
        client = app.test_client()
        with app.app_context():
            before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        post_id = make_post(f"Post {setting}", slug=f"post-{setting}")
        comment(client, (post_id, permalink(client, f"Post {setting}")), comment=setting)
        with app.app_context():
            after = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        assert after - before == expected, setting


def test_a_flood_of_held_comments_sends_a_few_mails(app, client, post, smtp):
    for number in range(200):
        comment(
            client,
            post,
            comment=f"Buy cheap things, offer {number}",
            email=f"s{number}@example.com",
        )
    assert len(comments(app)) == 200
    send_mail(app)
    assert 1 <= len(smtp.inbox.messages) <= 4
    assert "waiting for moderation" in text_of(smtp.inbox.messages[-1])


def test_without_mail_to_the_authors_own_addresses_are_mailed(
    database_url, smtp, make_post, author
):
    app = create_app(app_config(database_url, MAIL_SERVER=smtp.url, MAIL_FROM="blog@example.com"))
    try:
        with app.app_context():
            db.session.get(User, author).email = "ada.own@example.com"
            db.session.commit()
        client = app.test_client()
        post_id = make_post("Own address")
        assert comment(client, (post_id, permalink(client, "Own address"))).status_code == 303
        assert send_mail(app) == 1
        assert smtp.inbox.envelopes == [("blog@example.com", ["ada.own@example.com"])]
    finally:
        empty_database(app)


def test_without_a_mail_server_nothing_is_queued_and_the_admin_says_so(database_url, make_post):
    app = create_app(app_config(database_url, MAIL_TO=AUTHOR_MAILBOX))
    try:
        client = app.test_client()
        post_id = make_post("Quiet")
        page = client.get(permalink(client, "Quiet")).get_data(as_text=True)
        assert "Notify me" not in page
        comment(client, (post_id, permalink(client, "Quiet")), notify="y")
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
            assert db.session.scalar(sa.select(sa.func.count(Subscription.id))) == 0
        from tests.conftest import AuthActions

        AuthActions(client).login()
        assert "Mail is off" in client.get("/admin/").get_data(as_text=True)
    finally:
        empty_database(app)


# --- Readers' notifications -------------------------------------------------


def subscribe(app, client, post, email="rita@example.com") -> int:
    """Rita comments and ticks "Notify me"; her comment is approved. Returns its id."""
    comment(client, post, email=email, notify="y")
    rita = comments(app)[-1]
    set_status(app, rita.id, CommentStatus.APPROVED)
    return rita.id


def reply(app, client, post, parent_id, **fields):
    fields = {"author": "Bob Replier", "email": "bob@example.com",
              "comment": "Here is your answer.", **fields}  # fmt: skip
    response = comment(client, post, parent_id=str(parent_id), **fields)
    assert response.status_code == 303
    return comments(app)[-1]


def mails_to(smtp, address) -> list[EmailMessage]:
    return [m for m in smtp.inbox.messages if m["To"] == address]


def confirm(client, message) -> None:
    [link] = [link for link in links(message) if "/mail/confirm/" in link]
    page = client.get(path_of(link))
    assert page.status_code == 200 and "Yes, send me these mails" in page.get_data(as_text=True)
    response = client.post(path_of(link), data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200 and "confirmed" in response.get_data(as_text=True)


def test_the_form_offers_notifications_unticked(app, client, post):
    html = client.get(post[1]).get_data(as_text=True)
    assert "Notify me of follow-up comments by email" in html
    assert re.search(r'<input[^>]*name="notify"[^>]*>', html)
    assert "checked" not in re.search(r'<input[^>]*name="notify"[^>]*>', html).group(0)


def test_double_opt_in_then_one_mail_per_approved_reply(app, client, post, smtp):
    rita = subscribe(app, client, post)
    send_mail(app)
    [confirmation] = mails_to(smtp, "rita@example.com")
    assert "confirm" in confirmation["Subject"].lower()
    # Before she confirms, an approved reply sends her nothing.
    first = reply(app, client, post, rita)
    set_status(app, first.id, CommentStatus.APPROVED)
    send_mail(app)
    assert len(mails_to(smtp, "rita@example.com")) == 1
    # A GET of the link (a scanner) confirms nothing.
    [link] = [link for link in links(confirmation) if "/mail/confirm/" in link]
    client.get(path_of(link))
    with app.app_context():
        assert db.session.scalar(sa.select(MailAddress.confirmed_at)) is None
    confirm(client, confirmation)
    with app.app_context():
        assert db.session.scalar(sa.select(MailAddress.confirmed_at)) is not None
    # Held, then spam: nothing. Approved: one mail.
    held = reply(app, client, post, rita, email="new@example.com", comment="Second answer, held.")
    assert held.status == CommentStatus.PENDING
    spam = reply(app, client, post, rita, comment="Spam answer", phone="bot")
    assert spam.status == CommentStatus.SPAM
    send_mail(app)
    assert len(mails_to(smtp, "rita@example.com")) == 1
    set_status(app, held.id, CommentStatus.APPROVED)
    send_mail(app)
    [_, notification] = mails_to(smtp, "rita@example.com")
    assert "Bob Replier" in text_of(notification)
    assert "Second answer, held." in text_of(notification)
    assert "bob@example.com" not in notification.as_string()
    assert notification["List-Unsubscribe"].strip().startswith("<http://localhost/mail/")
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert notification["In-Reply-To"] in notification["References"]
    # Her own reply to her own comment: nothing.
    own = reply(app, client, post, rita, author="Rita Reader", email="rita@example.com",
                comment="Thanks, me again.")  # fmt: skip
    set_status(app, own.id, CommentStatus.APPROVED)
    send_mail(app)
    assert len(mails_to(smtp, "rita@example.com")) == 2


def test_an_author_reply_from_the_admin_notifies_the_reader(app, client, auth, post, smtp):
    rita = subscribe(app, client, post)
    send_mail(app)
    confirm(client, mails_to(smtp, "rita@example.com")[0])
    auth.login_through_session()
    page = client.get(f"/admin/comments/{rita}/reply")
    answer = {"csrf_token": csrf_token(page), "comment": "Thanks, Rita!"}
    response = client.post(f"/admin/comments/{rita}/reply", data=answer)
    assert response.status_code == 302
    send_mail(app)
    notification = mails_to(smtp, "rita@example.com")[-1]
    assert "Ada Author" in text_of(notification) and "Thanks, Rita!" in text_of(notification)


def test_every_new_comment_on_the_post_for_those_who_chose_it(app, client, post, smtp):
    comment(client, post, email="all@example.com", comment="Tell me everything", notify_all="y")
    set_status(app, comments(app)[-1].id, CommentStatus.APPROVED)
    rita = subscribe(app, client, post)  # replies to her comment only
    send_mail(app)
    for address in ("all@example.com", "rita@example.com"):
        confirm(client, mails_to(smtp, address)[0])
    comment(client, post, author="Nick New", email="nick@example.com", comment="Top level.")
    set_status(app, comments(app)[-1].id, CommentStatus.APPROVED)
    send_mail(app)
    # One reader asked about every comment, Rita only about replies to hers.
    [_, news] = mails_to(smtp, "all@example.com")
    assert "New comment on" in news["Subject"] and "Nick New commented" in text_of(news)
    assert len(mails_to(smtp, "rita@example.com")) == 1
    set_status(app, reply(app, client, post, rita).id, CommentStatus.APPROVED)
    send_mail(app)
    assert "New reply to your comment" in mails_to(smtp, "rita@example.com")[-1]["Subject"]
    assert len(mails_to(smtp, "all@example.com")) == 3


def test_one_confirmation_a_day_whatever_is_typed_into_the_form(app, client, post, smtp):
    for number in range(3):
        comment(client, post, email="victim@example.com", notify="y", comment=f"Hello {number}")
    comment(client, post, email="VICTIM@example.com", notify="y", comment="Hello again")
    send_mail(app)
    assert len(mails_to(smtp, "victim@example.com")) == 1


def test_the_same_new_address_from_several_comments_at_once(app, post, smtp):
    """No error page for the one that loses the race, and still one confirmation."""
    import threading

    clients = [app.test_client() for _ in range(4)]
    pages = [form_tokens(c.get(post[1]).get_data(as_text=True)) for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def send(number: int) -> None:
        data = {**pages[number], "comment": f"At once {number}", "author": "Sam",
                "email": "sam@example.com", "notify": "y"}  # fmt: skip
        start.wait()
        statuses.append(clients[number].post(f"/posts/{post[0]}/comments", data=data).status_code)

    threads = [threading.Thread(target=send, args=(number,)) for number in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * len(clients)
    send_mail(app)
    assert len(mails_to(smtp, "sam@example.com")) == 1
    assert subscription_count(app) == len(clients)


def unsubscribe_link(app, client, post, smtp) -> str:
    rita = subscribe(app, client, post)
    send_mail(app)
    confirm(client, mails_to(smtp, "rita@example.com")[0])
    set_status(app, reply(app, client, post, rita).id, CommentStatus.APPROVED)
    send_mail(app)
    return path_of(mails_to(smtp, "rita@example.com")[-1]["List-Unsubscribe"].strip().strip("<>"))


def subscription_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Subscription.id)))


def test_one_click_unsubscribe_rfc_8058(app, client, post, smtp):
    link = unsubscribe_link(app, client, post, smtp)
    assert client.get(link).status_code == 200
    assert subscription_count(app) == 1  # a GET only shows the page
    # The mail client's POST: no session, no CSRF token, just this body.
    fresh = app.test_client()
    response = fresh.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert subscription_count(app) == 0
    assert fresh.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_unsubscribe_from_everything_on_the_page(app, client, post, smtp):
    link = unsubscribe_link(app, client, post, smtp)
    comment(client, post, email="rita@example.com", notify="y", comment="Another one")
    assert subscription_count(app) == 2
    html = client.get(link).get_data(as_text=True)
    assert "Stop all mail from this blog" in html
    response = client.post(link, data={"scope": "all"})
    assert "no more mail from this blog" in response.get_data(as_text=True)
    assert subscription_count(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(MailAddress.confirmed_at)) is None


def test_an_old_link_never_reaches_the_next_owner_of_its_row(app, client, post, smtp):
    link = unsubscribe_link(app, client, post, smtp)
    with app.app_context():  # Rita's address forgotten, its row id taken by Bob (SQLite reuses it)
        db.session.scalar(sa.select(MailAddress)).email = "bob@example.com"
        db.session.commit()
    assert app.test_client().post(link, data={"scope": "all"}).status_code == 404
    assert subscription_count(app) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(MailAddress.confirmed_at)) is not None


@pytest.mark.parametrize("token", ["nonsense", "WzEsMV0.forged", "a" * 500])
def test_links_we_never_made_are_a_404(app, client, token):
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.get(f"/mail/confirm/{token}").status_code == 404


def test_deleting_a_comment_for_good_deletes_its_subscription(app, client, auth, post):
    rita = subscribe(app, client, post)
    set_status(app, rita, CommentStatus.TRASH)
    auth.login_through_session()
    page = client.get("/admin/comments?status=trash")
    client.post(f"/admin/comments/{rita}/delete?status=trash",
                data={"csrf_token": csrf_token(page)})  # fmt: skip
    assert comments(app) == []
    assert subscription_count(app) == 0


def test_a_placeholder_kept_for_replies_keeps_no_subscription(app, client, auth, post):
    rita = subscribe(app, client, post)
    set_status(app, reply(app, client, post, rita).id, CommentStatus.APPROVED)
    set_status(app, rita, CommentStatus.TRASH)
    auth.login_through_session()
    page = client.get("/admin/comments?status=trash")
    client.post(f"/admin/comments/{rita}/delete?status=trash",
                data={"csrf_token": csrf_token(page)})  # fmt: skip
    assert comments(app)[0].status == CommentStatus.REMOVED
    assert subscription_count(app) == 0


def test_the_backup_keeps_subscriptions_and_their_consent(app, client, post, runner, tmp_path):
    subscribe(app, client, post)
    import json

    assert runner.invoke(args=["export", str(tmp_path / "b.json")]).exit_code == 0
    data = json.loads((tmp_path / "b.json").read_text())
    assert data["mail_addresses"][0]["email"] == "rita@example.com"
    assert "confirmed_at" in data["mail_addresses"][0]
    assert len(data["subscriptions"]) == 1
    assert "outbox" not in data


# --- Well-made mail ---------------------------------------------------------

INJECTIONS = ["Ann\r\nBcc: victim@example.com", "Ann\nBcc: victim@example.com",
              "Ann\rBcc: victim@example.com", "Ann\u2028Bcc: victim@example.com"]  # fmt: skip


@pytest.mark.parametrize("evil", INJECTIONS)
def test_header_injection_in_every_field_that_reaches_a_header(database_url, smtp, make_post, evil):
    app = create_app(app_config(database_url, MAIL_SERVER=smtp.url, SITE_TITLE=evil,
                                **MAIL_SETTINGS))  # fmt: skip
    try:
        client = app.test_client()
        post_id = make_post(evil, slug="evil")
        html = client.get("/").get_data(as_text=True)
        url = re.search(r'href="([^"]*/evil/)"', html).group(1)
        response = comment(client, (post_id, url), author=evil, url="", notify="y")
        assert response.status_code == 303
        # An email address with a header in it is refused by the form.
        bad = comment(client, (post_id, url), email="rita@example.com\r\nBcc: victim@example.com")
        assert bad.status_code == 422
        send_mail(app)
    finally:
        empty_database(app)
    assert len(smtp.inbox.messages) == 2  # the author's, and Rita's confirmation
    for message, (_, recipients) in zip(smtp.inbox.messages, smtp.inbox.envelopes, strict=True):
        assert "victim@example.com" not in recipients
        assert message["Bcc"] is None
        for name, value in message.items():
            assert "\n" not in value and "\r" not in value, name
        assert message["From"].addresses[0].addr_spec == "blog@example.com"


def test_html_and_scripts_in_comments_arrive_escaped(app, client, post, smtp):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    comment(client, post, author="<b>Mallory</b>", comment=evil)
    send_mail(app)
    html = html_of(smtp.inbox.messages[0])
    assert "<script>" not in html and "<img" not in html and "<b>Mallory" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert evil in text_of(smtp.inbox.messages[0])  # the plain text part is text


# --- The outbox ---------------------------------------------------------------


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def make_due(app) -> None:
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()


def test_smtp_down_the_comment_is_stored_and_the_mail_waits(app, client, post, smtp):
    smtp.stop()
    assert comment(client, post).status_code == 303
    assert len(comments(app)) == 1
    assert send_mail(app) == 0
    [row] = outbox_rows(app)
    assert row.status == OutboxStatus.QUEUED and row.attempts == 1
    assert "Cannot reach the mail server" in row.last_error
    assert row.next_attempt_at > utcnow()
    assert send_mail(app) == 0  # not due yet: the delay doubles from MAIL_RETRY_SECONDS
    smtp.start()
    make_due(app)
    assert send_mail(app) == 1
    assert len(smtp.inbox.messages) == 1
    assert outbox_rows(app)[0].status == OutboxStatus.SENT


def test_a_message_that_keeps_failing_is_given_up_and_shown(app, client, auth, post, smtp):
    smtp.stop()
    comment(client, post)
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        make_due(app)
        send_mail(app)
    assert outbox_rows(app)[0].status == OutboxStatus.FAILED
    auth.login_through_session()
    assert "1 mail could not be sent" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert "Cannot reach the mail server" in page and "failed" in page


@pytest.mark.parametrize("path", ["/admin/mail/outbox", "/admin/mail/comments/1"])
def test_the_mail_admin_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_bad_mail_server_setting_is_refused(database_url):
    from blog.config import ConfigurationError
    from blog.mail import settings

    with pytest.raises(ConfigurationError):
        settings.server({"MAIL_SERVER": "http://example.com"})
    server = settings.server({"MAIL_SERVER": "smtps://me%40x:p%2Fw@mail.example.com"})
    assert (server.host, server.port, server.implicit_tls) == ("mail.example.com", 465, True)
    assert (server.username, server.password) == ("me@x", "p/w")
    assert settings.server({"MAIL_SERVER": "smtp://mail.example.com"}).port == 587


# --- The new pages are valid HTML ---------------------------------------------


def test_the_mail_pages_are_valid_html(app, client, auth, post, smtp, tmp_path):
    import shutil
    import subprocess

    from tests.test_html import VALIDATOR

    if shutil.which("java") is None:
        pytest.fail("The HTML checker needs Java: apt-get install default-jre-headless")
    pages = {}
    pages["post-with-notify"] = client.get(post[1])
    link = unsubscribe_link(app, client, post, smtp)
    confirmation = mails_to(smtp, "rita@example.com")[0]
    [confirm_link] = [link for link in links(confirmation) if "/mail/confirm/" in link]
    page = client.get(path_of(confirm_link))
    pages["confirm"] = page
    pages["confirmed"] = client.post(path_of(confirm_link), data={"csrf_token": csrf_token(page)})
    pages["unsubscribe"] = client.get(link)
    pages["unsubscribed"] = client.post(link, data={"scope": "thread"})
    pages["link-gone"] = client.get("/mail/unsubscribe/nonsense")
    smtp.stop()
    comment(client, post, comment="Waiting for the server", email="w@example.com")
    send_mail(app)
    auth.login_through_session()
    rita = comments(app)[0].id
    pages["review"] = client.get(f"/admin/mail/comments/{rita}?action=approve")
    pages["outbox"] = client.get("/admin/mail/outbox")
    pages["dashboard-mail-status"] = client.get("/admin/")
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.data)
    # Each mail sent is valid HTML too.
    for number, message in enumerate(smtp.inbox.messages):
        (tmp_path / f"mail-{number}.html").write_text(html_of(message))
    assert "Notify me" in pages["post-with-notify"].get_data(as_text=True)
    assert "Cannot reach the mail server" in pages["outbox"].get_data(as_text=True)
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_old_mail_and_unused_addresses_are_forgotten(app, client, post, smtp):
    from datetime import timedelta

    from blog.mail import subscriptions

    rita = subscribe(app, client, post)
    comment(client, post, email="once@example.com", notify="y", comment="Just once")
    send_mail(app)
    smtp.stop()
    comment(client, post, email="later@example.com", comment="Never sent")
    send_mail(app)
    with app.app_context():
        long_ago = utcnow() - timedelta(days=31)
        waiting = OutboxMessage.status == OutboxStatus.QUEUED
        given_up = {"status": OutboxStatus.FAILED, "created_at": long_ago}
        db.session.execute(sa.update(OutboxMessage).where(waiting).values(given_up))
        sent = OutboxMessage.status == OutboxStatus.SENT
        db.session.execute(sa.update(OutboxMessage).where(sent).values(sent_at=long_ago))
        db.session.execute(sa.update(MailAddress).values(confirmation_sent_at=long_ago))
        db.session.execute(sa.delete(Subscription).where(Subscription.comment_id != rita))
        db.session.commit()
        outbox.forget_old()
        subscriptions.forget_unused_addresses()
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
        kept = db.session.scalars(sa.select(MailAddress.email)).all()
    assert kept == ["rita@example.com"]  # she still has a subscription


@pytest.mark.parametrize(
    "setting", [{"MAIL_SERVER": "mailto:me@example.com"}, {"MAIL_AUTHOR_NOTIFY": "sometimes"}]
)
def test_the_blog_refuses_to_start_with_a_malformed_mail_setting(database_url, setting):
    from blog.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="BLOG_MAIL_"):
        create_app(app_config(database_url, **setting))


# --- Mail that cannot go ----------------------------------------------------


def test_an_address_smtp_cannot_carry_fails_alone_and_the_rest_goes(app, client, post, smtp):
    response = comment(client, post, email="user@bücher.de", notify="y")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
    assert send_mail(app) == 1  # the author's mail
    assert smtp.inbox.envelopes == [("blog@example.com", [AUTHOR_MAILBOX])]
    with app.app_context():
        failed = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == "user@bücher.de")
        )
        assert failed.status == OutboxStatus.FAILED and "cannot be sent" in failed.last_error
    assert send_mail(app) == 0


def test_a_message_that_keeps_stalling_its_worker_is_given_up(app, client, post, smtp):
    comment(client, post)
    with app.app_context():
        row = db.session.scalar(sa.select(OutboxMessage))
        row.status = OutboxStatus.SENDING
        row.claimed_at = utcnow() - timedelta(days=1)
        row.attempts = app.config["MAIL_MAX_ATTEMPTS"]
        db.session.commit()
    assert send_mail(app) == 0
    with app.app_context():
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.status == OutboxStatus.FAILED and "stopped" in row.last_error
    assert smtp.inbox.messages == []
