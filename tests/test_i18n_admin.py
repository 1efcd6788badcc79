"""The admin speaks the author's language: every admin page type in a pseudo-locale
shows no text outside its translated strings, and the author meets Russian
(pages, form errors, the mail about a held comment) when the site or the
browser asks for it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po

from blog import create_app
from blog.extensions import db
from blog.forms import CSRF_EXPIRED_MESSAGE
from blog.mail.models import OutboxMessage, OutboxStatus
from blog.models import CommentStatus, MediaItem, PostStatus, User, utcnow
from blog.revisions import PostRevision, RevisionKind
from blog.site.models import MenuItem, MenuKind
from blog.users import accounts
from blog.users.views import LINK_GONE
from tests.conftest import (
    TEST_PASSWORD,
    app_config,
    csrf_token,
    empty_database,
    make_user,
    permalink,
    post_form,
)
from tests.images import photo
from tests.pseudo_locale import untranslated_text, wrap
from tests.test_admin import form_data
from tests.test_mail import MAIL_SETTINGS, comment, send_mail, text_of
from tests.test_media import upload_form
from tests.test_users import NEW_AUTHOR, add_user, setup_link

# --- What the pseudo-locale check leaves aside --------------------------------

# User content on the pages below: titles, names, bodies, addresses, settings' values.
POST_TITLE, POST_BODY, TAG = "Zebra crossing", "Quokka words here.", "Walrus"
PAGE_TITLE, CHILD_TITLE, MENU_LABEL = "Ibex page", "Yak page", "Narwhal link"
READER, READER_EMAIL = "Okapi Reader", "okapi@example.com"
PHOTO_NAME, PHOTO_ALT = "roof.jpg", "A red roof"
# A user added by the administrator ("author", the fixtures' own), with a setup link.
NEWCOMER, NEWCOMER_NAME, NEWCOMER_EMAIL = "quagga", "Quagga Writer", "quagga@example.com"
# Two more the users tests add: one with a setup link (no address), one with a password.
ZORILLA = {"username": "zorilla", "display_name": "Zorilla Writer", "email": ""}
YAK = {"username": "yak", "display_name": "Yak Writer", "email": ""}
USER_CONTENT = (
    POST_TITLE, POST_BODY, TAG, PAGE_TITLE, CHILD_TITLE, MENU_LABEL, READER, READER_EMAIL,
    PHOTO_NAME, PHOTO_ALT, "Ada Author", "My Blog", "Just another Flask blog", "UTC", "https://okapi.example/",
    "/ibex-page/yak-page/", "/ibex-page/", "Held comment news", "ada@example.com",
    "connection refused", NEWCOMER_NAME, NEWCOMER_EMAIL, NEWCOMER, "author",
    *ZORILLA.values(), *YAK.values(),
)  # fmt: skip
# The rules' reasons are stored with the comment when it arrives, in English
# (blog/comments/rules.py, the reader side); the row holds them as written.
HELD_REASON = "It contains a moderation word."
SPAM_REASON = "It contains a disallowed word."


def wtforms_messages() -> tuple[str, ...]:
    """WTForms' own messages ("This field is required.") come translated from
    WTForms' catalogue (it has ru and ar), not ours: the pseudo-locale has none."""
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as source:
        return tuple(m.id for m in read_po(source) if isinstance(m.id, str) and m.id)


# What the author typed, and a diff of it (the versions' own words).
TYPED = re.compile(r'(<textarea\b[^>]*>|<dd class="diff">).*?(</textarea>|</dd>)', re.S)


def admin_region(html: str) -> str:
    """The whole page, the header and the reader's templates too, but the author's own text."""
    return TYPED.sub(r"\1\2", html)


def assert_translated(response, what: str, status: int = 200, also: tuple[str, ...] = ()) -> None:
    """``also``: more user content on this page (a setup link, a login name)."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, f"{what}: {response.status_code}"
    ignored = USER_CONTENT + wtforms_messages() + (HELD_REASON, SPAM_REASON) + also
    left = untranslated_text(admin_region(html), user_content=ignored)
    assert left == [], f"{what} shows untranslated text: {left}"


# --- The pseudo-locale walk -------------------------------------------------


@pytest.fixture
def app_settings(tmp_path, pseudo_catalogues) -> dict:
    """Every test here in the pseudo-locale (the Russian ones override it again)."""
    return {
        "MEDIA_STORAGE": str(tmp_path / "media"),
        "LANGUAGE": "eo",
        "BABEL_TRANSLATION_DIRECTORIES": pseudo_catalogues,
    }


@pytest.fixture
def desk(app, client, auth, make_post, make_page, make_comment):
    """An author's desk with one of everything an admin page can show; the ids."""
    auth.login()
    post_id = make_post(POST_TITLE, body=POST_BODY, tags=(TAG,))
    post_form(client, f"/admin/posts/{post_id}/edit",
              form_data(title=POST_TITLE, body="Older words.", tags=TAG))  # fmt: skip
    post_form(client, f"/admin/posts/{post_id}/edit",
              form_data(title=POST_TITLE, body="Newer words.", tags=TAG))  # fmt: skip
    # An autosave newer than the post: the editor offers it back.
    preview = form_data(title=POST_TITLE, body="Unsaved words.", save=None, preview="Preview")
    post_form(client, f"/admin/posts/{post_id}/edit", preview)
    draft_id = make_post(POST_TITLE + " 2", body=POST_BODY, status=PostStatus.DRAFT)
    reader = {"author_name": READER, "author_email": READER_EMAIL, "author_ip": "192.0.2.1",
              "author_url": "https://okapi.example/", "body": POST_BODY}  # fmt: skip
    held = make_comment(post_id, status=CommentStatus.PENDING, held_reason=HELD_REASON, **reader)
    make_comment(post_id, status=CommentStatus.APPROVED, parent_id=held, **reader)
    make_comment(post_id, status=CommentStatus.SPAM, held_reason=SPAM_REASON, **reader)
    make_comment(post_id, status=CommentStatus.TRASH, **reader)
    page_id = make_page(PAGE_TITLE, slug="ibex-page")
    child_id = make_page(CHILD_TITLE, slug="yak-page", parent=page_id)
    response = post_form(client, f"/admin/posts/{draft_id}/edit",
                         {**form_data(title="Draft", body=POST_BODY),
                          **upload_form(photo(), name=PHOTO_NAME, alt=PHOTO_ALT)},
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200
    with app.app_context():
        db.session.add(MenuItem(position=1, label=MENU_LABEL, kind=MenuKind.HOME))
        db.session.add(
            MenuItem(position=2, label=PAGE_TITLE, kind=MenuKind.PAGE, target_id=page_id)
        )
        db.session.add(OutboxMessage(kind="moderation", recipient="ada@example.com",
                                     subject="Held comment news", draft="{}",
                                     status=OutboxStatus.FAILED, attempts=3,
                                     last_error="connection refused"))  # fmt: skip
        db.session.commit()
        [item_id] = db.session.scalars(db.select(MediaItem.id)).all()
        newcomer = User(username=NEWCOMER, display_name=NEWCOMER_NAME, email=NEWCOMER_EMAIL)
        db.session.add(newcomer)
        setup_token = accounts.issue_setup_link(newcomer)
        db.session.commit()
        newcomer_id = newcomer.id
        user_ids = db.session.scalars(db.select(User.id)).all()
        revision_ids = db.session.scalars(
            db.select(PostRevision.id)
            .where(PostRevision.kind == RevisionKind.REVISION)
            .order_by(PostRevision.id)
        ).all()
    return {
        "post": post_id, "draft": draft_id, "comment": held, "page": page_id,
        "child": child_id, "item": item_id, "revisions": revision_ids,
        "users": user_ids, "newcomer": newcomer_id, "setup_token": setup_token,
    }  # fmt: skip


def get_urls(desk: dict) -> dict[str, list[str]]:
    """How to reach each admin GET endpoint: every URL worth a look, per endpoint."""
    post, comment_id, page = desk["post"], desk["comment"], desk["page"]
    first, *_, last = desk["revisions"]
    return {
        "admin.dashboard": ["/admin/"],
        "admin.comments": [f"/admin/comments?status={tab}"
                           for tab in ("pending", "approved", "spam", "trash")],
        "admin.edit_comment": [f"/admin/comments/{comment_id}/edit"],
        "admin.reply_to_comment": [f"/admin/comments/{comment_id}/reply"],
        "admin.media": ["/admin/media"],
        "admin.insert_media": [f"/admin/media/{desk['item']}/insert?post={post}"],
        "admin.revisions": [f"/admin/posts/{post}/revisions",
                            f"/admin/posts/{post}/revisions?from={first}&to={last}"],
        "admin.new_post": ["/admin/posts/new"],
        "admin.edit_post": [f"/admin/posts/{post}/edit", f"/admin/posts/{desk['draft']}/edit"],
        "admin.delete_post": [f"/admin/posts/{post}/delete"],
        "site.edit_menu": ["/admin/menu"],
        "site.list_pages": ["/admin/pages"],
        "site.new_page": ["/admin/pages/new"],
        "site.edit_page": [f"/admin/pages/{page}/edit", f"/admin/pages/{desk['child']}/edit"],
        "site.delete_page": [f"/admin/pages/{page}/delete"],
        "site.profile": ["/admin/profile"],
        "site.edit_settings": ["/admin/settings"],
        "mail_admin.review": [f"/admin/mail/comments/{comment_id}?action=approve"],
        "mail_admin.outbox_page": ["/admin/mail/outbox"],
        "users.list_users": ["/admin/users/"],
        "users.new_user": ["/admin/users/new"],
        # The administrator's own page and the newcomer's (an author, link not used).
        "users.manage_user": [f"/admin/users/{user_id}" for user_id in desk["users"]],
        # Outside /admin, in the site's language: the page the newcomer's link opens.
        "account.setup": [f"/account/setup/{desk['setup_token']}"],
    }  # fmt: skip


def admin_get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin") and "GET" in rule.methods}  # fmt: skip


def test_every_admin_page_in_the_pseudo_locale_is_translated(app, client, desk):
    urls = get_urls(desk)
    unknown = admin_get_endpoints(app) - urls.keys()
    assert not unknown, (
        f"admin pages without a pseudo-locale check (add them to get_urls): {unknown}"
    )
    for endpoint, addresses in urls.items():
        for url in addresses:
            assert_translated(client.get(url, follow_redirects=True), f"{endpoint} {url}")
    with_autosave = client.get(f"/admin/posts/{desk['post']}/edit").get_data(as_text=True)
    offered = re.search(r'href="([^"]*autosave=\d+)"', with_autosave)
    assert offered, "the editor offers no autosave back"
    assert_translated(
        client.get(offered.group(1).replace("&amp;", "&")), "editor with the autosave"
    )


def test_the_editor_with_errors_preview_upload_refusal_and_csrf_expired(app, client, desk):
    editor = f"/admin/posts/{desk['post']}/edit"
    bad = form_data(title="", body="", tags="x" * 70, slug="Not A Slug")
    assert_translated(post_form(client, editor, bad), "editor with errors", 422)
    without_alt = f"{POST_BODY}\n\n![](/media/a.jpg)\n\n![](/media/b.jpg)"
    preview = form_data(title=POST_TITLE, body=without_alt, save=None, preview="Preview")
    previewed = post_form(client, editor, preview)
    assert "images have no alt text" in previewed.get_data(as_text=True)
    assert_translated(previewed, "editor with a preview and images without alt text")
    refused = {**form_data(title=POST_TITLE, body=POST_BODY, save=None),
               **upload_form(b"not an image at all", name="notes.jpg")}  # fmt: skip
    assert_translated(post_form(client, editor, refused, content_type="multipart/form-data"),
                      "editor with an upload refused", 422)  # fmt: skip
    no_file = post_form(client, editor, {**form_data(), "upload": "Upload"},
                        content_type="multipart/form-data")  # fmt: skip
    assert_translated(no_file, "upload without a file", 422)
    expired = client.post(editor, data=form_data(title=POST_TITLE, body=POST_BODY))
    assert str(CSRF_EXPIRED_MESSAGE) in expired.get_data(as_text=True)
    assert_translated(expired, "editor with the CSRF token expired", 422)
    saved = post_form(client, editor, form_data(title=POST_TITLE, body=POST_BODY),
                      follow_redirects=True)  # fmt: skip
    assert_translated(saved, "editor after a save (its notice)")


def test_forms_with_errors_and_notices_are_translated(app, client, desk):
    comment_id, page = desk["comment"], desk["page"]
    cases = [
        (f"/admin/comments/{comment_id}/edit",
         {"author_name": "", "author_email": "not an address", "comment": "", "status": "spam"}),
        (f"/admin/comments/{comment_id}/reply", {"comment": ""}),
        ("/admin/pages/new", {"title": "", "body": "", "slug": "feed", "menu_order": "many",
                              "parent_id": "0", "status": "draft", "save_draft": "y"}),
        (f"/admin/pages/{page}/edit", {"title": PAGE_TITLE, "body": POST_BODY, "parent_id": "0",
                                       "menu_order": "0", "status": "draft", "preview": "y"}),
        ("/admin/menu", {"target": "url", "label": "", "url": "javascript:x"}),
        ("/admin/profile", {"display_name": "", "email": "nope", "new_password": "short",
                            "confirm_password": "other", "current_password": ""}),
        ("/admin/settings", {"site_title": "", "time_zone": "Mars/Olympus", "language": "??",
                             "posts_per_page": "many", "comment_rate_limit": "lots",
                             "comment_default_page": "newest"}),
    ]  # fmt: skip
    for url, data in cases:
        response = post_form(client, url, data)
        assert_translated(response, f"{url} with errors", 200 if "preview" in data else 422)
    notices = [
        (f"/admin/comments/{comment_id}/edit", {"author_name": READER, "comment": POST_BODY,
                                                 "status": "approved"}, 200),
        ("/admin/profile", {"display_name": "Ada Author", "current_password": "wrong"}, 422),
        ("/admin/menu", {"target": "home", "label": ""}, 200),
    ]  # fmt: skip
    for url, data, status in notices:
        response = post_form(client, url, data, follow_redirects=True)
        assert_translated(response, f"{url} after sending", status)
    token = csrf_token(client.get("/admin/comments"))
    for action in ("approve", "spam", "trash", "restore", "delete"):
        response = client.post(f"/admin/comments/{comment_id}/{action}",
                               data={"csrf_token": token}, follow_redirects=True)  # fmt: skip
        assert_translated(response, f"after {action}")
    response = client.post("/admin/comments/bulk", data={"csrf_token": token},
                           follow_redirects=True)  # fmt: skip
    assert_translated(response, "bulk action without a choice")


def test_a_fixed_setting_and_the_mail_lines_are_translated(app, client, desk):
    app.extensions["site_settings"].fixed.update(
        {"SITE_TITLE": "BLOG_SITE_TITLE", "COMMENT_DEFAULT_PAGE": "instance/config.py"}
    )
    assert_translated(client.get("/admin/settings"), "settings with fixed settings")
    app.config["MAIL_SERVER"] = "smtp://mail.example.com"
    app.config.update(MAIL_SETTINGS)
    assert_translated(client.get("/admin/"), "dashboard with a mail that failed")
    assert_translated(client.get("/admin/mail/outbox"), "the outbox with mail on")


def test_the_check_catches_an_admin_string_left_in_english(app, client, desk):
    """The walk above can fail: an English word in the admin's <main> is found."""
    html = client.get("/admin/").get_data(as_text=True)
    assert untranslated_text(admin_region(html), user_content=USER_CONTENT) == []
    assert untranslated_text(admin_region(html.replace("</h1>", " Dashboard</h1>"))) != []


# --- Users ------------------------------------------------------------------

# The one-time link a page shows.
LINK = re.compile(r"<code>([^<]+)</code>")


def shown_link(response) -> str:
    match = LINK.search(response.get_data(as_text=True))
    assert match, "no setup link on the page"
    return match.group(1)


def test_the_users_forms_with_errors_and_notices_are_translated(app, client, desk):
    [administrator] = [user for user in desk["users"] if user != desk["newcomer"]]
    newcomer = f"/admin/users/{desk['newcomer']}"
    bad = {
        "username": "no spaces here",
        "display_name": "",
        "email": "nope",
        "password_method": "password",
        "password": "short",
        "confirm_password": "other",
    }
    assert_translated(add_user(client, **bad), "new user with errors", 422)
    taken = {"username": NEWCOMER, "password_method": "password", "password": ""}
    assert_translated(add_user(client, **taken), "new user: name taken, no password", 422)
    linked = add_user(client, **ZORILLA, password_method="link", password="", confirm_password="")
    assert "no email address" in linked.get_data(as_text=True)
    assert_translated(linked, "the setup link page", also=(shown_link(linked),))
    added = post_form(client, "/admin/users/new", {**NEW_AUTHOR, **YAK}, follow_redirects=True)
    assert_translated(added, "the list after adding with a password")
    mine = f"/admin/users/{administrator}"
    for action, data in [("disable", {}), ("role", {"role": "author"}),
                         ("remove", {"posts": "keep"})]:  # fmt: skip
        refused = post_form(client, f"{mine}/{action}", data)
        assert "the last administrator" in refused.get_data(as_text=True)
        assert_translated(refused, f"{action} refused for the last administrator", 422)
    for action, data in [("role", {"role": "administrator"}), ("role", {"role": "author"}),
                         ("disable", {}), ("enable", {})]:  # fmt: skip
        done = post_form(client, f"{newcomer}/{action}", data, follow_redirects=True)
        assert_translated(done, f"the newcomer after {action} {data}")
    again = post_form(client, f"{newcomer}/setup-link", {})
    assert "mail is off" in again.get_data(as_text=True)
    assert_translated(again, "a new setup link", also=(shown_link(again),))
    no_heir = post_form(client, f"{newcomer}/remove", {"posts": "reassign", "heir": "0"})
    assert_translated(no_heir, "remove without an heir", 422)
    given = post_form(client, f"{newcomer}/remove", {"posts": "reassign", "heir": administrator},
                      follow_redirects=True)  # fmt: skip
    assert_translated(given, "the list after a removal with an heir")


def test_the_setup_form_with_errors_and_a_link_gone_are_translated(app, client, desk):
    link = f"/account/setup/{desk['setup_token']}"
    newcomer = app.test_client()
    for typed in ({"password": "short", "confirm_password": "other"}, {"password": ""}):
        assert_translated(post_form(newcomer, link, typed), f"the setup form with {typed}", 422)
    chosen = {"password": TEST_PASSWORD, "confirm_password": TEST_PASSWORD}
    answer = post_form(newcomer, link, chosen, follow_redirects=True)
    assert_translated(answer, "the login page after the password is set")
    assert wrap("Your password is set. Log in with it now.") in answer.get_data(as_text=True)
    used = newcomer.get(link)
    assert_translated(used, "a used setup link", 404)
    assert wrap(str(LINK_GONE)) in used.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, desk["newcomer"])
        token = accounts.issue_setup_link(user)
        user.setup_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = newcomer.get(f"/account/setup/{token}")
    assert_translated(expired, "an expired setup link", 404)
    assert wrap(str(LINK_GONE)) in expired.get_data(as_text=True)


def test_an_author_refused_the_users_screens_is_told_why_in_the_locale(app, client, auth):
    with app.app_context():
        make_user(NEWCOMER)
        db.session.commit()
    auth.login(NEWCOMER)
    refused = client.get("/admin/users/")
    assert refused.status_code == 403
    assert wrap("Only an administrator may open this page.") in refused.get_data(as_text=True)


# --- Russian ----------------------------------------------------------------


class TestTheAdminInRussian:
    @pytest.fixture
    def app_settings(self, tmp_path) -> dict:
        return {"MEDIA_STORAGE": str(tmp_path / "media"), "LANGUAGE": "ru"}

    def test_the_admin_speaks_the_sites_russian(self, client, auth, make_post):
        make_post(POST_TITLE)
        auth.login()
        html = client.get("/admin/").get_data(as_text=True)
        assert '<html lang="ru" dir="ltr">' in html
        assert "<h1>Консоль</h1>" in html and "Новая запись" in html
        assert "Ваши записи" in html and "Опубликовано" in html

    def test_the_editors_errors_are_in_russian(self, client, auth):
        auth.login()
        response = post_form(client, "/admin/posts/new",
                             form_data(title="", slug="Not A Slug", tags="x" * 70))  # fmt: skip
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Обязательное поле." in html  # WTForms' own catalogue
        assert "Используйте только строчные латинские буквы" in html
        assert "Каждая метка должна быть короче 64 символов." in html
        assert "Сохранить черновик" in html and "Заголовок" in html

    def test_a_settings_error_is_in_russian(self, client, auth):
        auth.login()
        response = post_form(client, "/admin/settings",
                             {"site_title": "Блог", "time_zone": "Mars/Olympus",
                              "language": "ru", "posts_per_page": "1000"})  # fmt: skip
        html = response.get_data(as_text=True)
        assert "«Mars/Olympus» — не часовой пояс." in html
        assert "Введите целое число от 1 до 100." in html

    def test_the_editors_upload_answers_in_russian(self, client, auth):
        """What media-upload.js shows comes from the server, in the author's language."""
        auth.login()
        token = csrf_token(client.get("/admin/posts/new"))
        missing = client.post("/admin/media/upload", data={"csrf_token": token})
        assert missing.status_code == 422
        assert missing.json == {"errors": ["Выберите файл изображения для загрузки."]}
        not_a_picture = {"csrf_token": token, **upload_form(b"not a picture")}
        refused = client.post("/admin/media/upload", data=not_a_picture,
                              content_type="multipart/form-data")  # fmt: skip
        assert refused.status_code == 422
        assert refused.json["errors"][0].startswith("Этот файл не распознан как изображение")
        editor = client.get("/admin/posts/new").get_data(as_text=True)
        assert 'data-uploading="Загрузка {name}…"' in editor
        assert 'data-note-future="Будет опубликовано {date}."' in editor

    def test_comment_counts_take_russian_plural_forms(self, client, auth, make_post):
        for number in range(2):
            make_post(f"Черновик {number}", status=PostStatus.DRAFT)
        auth.login()
        html = client.get("/admin/").get_data(as_text=True)
        assert '<span class="number">2</span> черновика' in html
        assert '<span class="number">0</span> комментариев ждут проверки' in html

    def test_the_new_user_form_and_the_setup_page_are_in_russian(self, app, client, auth, author):
        auth.login()
        bad = {"username": "no spaces", "password": "short", "confirm_password": "other"}
        refused = add_user(client, **bad)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert "Только буквы, цифры и . @ + - _, без пробелов." in html
        assert "Используйте не менее 12 символов." in html and "Пароли не совпадают." in html
        assert "Добавить пользователя" in html and "Как пользователь получит пароль" in html
        last = post_form(client, f"/admin/users/{author}/disable", {}).get_data(as_text=True)
        assert "Ada Author — последний администратор, который может войти" in last
        link, _ = setup_link(client)
        path = link.removeprefix("http://localhost")
        newcomer = app.test_client()
        page = newcomer.get(path).get_data(as_text=True)
        assert '<html lang="ru" dir="ltr">' in page and "<h1>Выберите пароль</h1>" in page
        welcome = (
            f"Добро пожаловать, {NEW_AUTHOR['display_name']}! Ваш логин: <strong>bea</strong>."
        )
        assert welcome in page
        mismatch = post_form(newcomer, path, {"password": TEST_PASSWORD, "confirm_password": "x"})
        assert mismatch.status_code == 422
        assert "Пароли не совпадают." in mismatch.get_data(as_text=True)
        chosen = {"password": TEST_PASSWORD, "confirm_password": TEST_PASSWORD}
        done = post_form(newcomer, path, chosen, follow_redirects=True)
        assert "Пароль сохранён. Теперь войдите с ним." in done.get_data(as_text=True)
        gone = newcomer.get(path)
        assert gone.status_code == 404
        assert "Эта ссылка недействительна: она одноразовая" in gone.get_data(as_text=True)


class TestAnEnglishSiteForARussianAuthor:
    @pytest.fixture
    def app_settings(self, tmp_path) -> dict:
        return {"MEDIA_STORAGE": str(tmp_path / "media"), "LANGUAGE": "en"}

    def test_the_admin_follows_the_authors_browser(self, client, auth, make_post):
        make_post(POST_TITLE)
        auth.login()
        russian = {"Accept-Language": "ru-RU, ru;q=0.9, en;q=0.5"}
        html = client.get("/admin/comments", headers=russian).get_data(as_text=True)
        assert '<html lang="ru" dir="ltr">' in html
        assert "Комментарии, ожидающие проверки" not in html  # no comments: the empty line
        assert "Нет комментариев, ожидающих проверки." in html
        assert "На проверке" in html
        english = client.get("/admin/comments").get_data(as_text=True)
        assert "No pending comments." in english
        # The public site stays in the site's language whatever the browser says.
        public = client.get("/", headers=russian).get_data(as_text=True)
        assert '<html lang="en" dir="ltr">' in public


class TestTheAuthorsMailInRussian:
    @pytest.fixture
    def app(self, database_url, smtp, tmp_path):
        app = create_app(app_config(database_url, MAIL_SERVER=smtp.url, LANGUAGE="ru",
                                    COMMENT_HOLD_FIRST=True, **MAIL_SETTINGS))  # fmt: skip
        yield app
        empty_database(app)

    def test_the_mail_about_a_held_comment_is_in_russian(self, app, client, make_post, smtp):
        post_id = make_post("Поговорим", slug="talk")
        assert comment(client, (post_id, permalink(client, "Поговорим"))).status_code == 303
        assert send_mail(app) == 1
        [message] = smtp.inbox.messages
        assert "Требуется проверка: «Поговорим»" in message["Subject"]
        text = text_of(message)
        assert "Новый комментарий к записи «Поговорим» ожидает вашего одобрения." in text
        assert "Почему задержан:" in text and "Одобрить:" in text
        assert "Каждая ссылка открывает страницу с кнопкой" in text

    def test_the_setup_link_mail_speaks_the_sites_russian(self, app, client, auth, smtp):
        """The mail is for the newcomer: in the site's language, whatever the admin's is."""
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        auth.login()
        html = add_user(client, password_method="link", password="", confirm_password="")
        assert "It is also on its way to bea@example.com." in html.get_data(as_text=True)
        assert send_mail(app) == 1
        [message] = smtp.inbox.messages
        assert "Выберите пароль" in message["Subject"]
        text = text_of(message)
        assert "Здравствуйте, Bea Writer!" in text and "Ваш логин: bea." in text
        assert "(она одноразовая и действует 48 часов)" in text
