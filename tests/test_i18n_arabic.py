"""An Arabic blog as its readers meet it: right to left, counts, the comment form, valid HTML.

Uses the real catalogue (blog/translations/ar), compiled by
``scripts/translations.sh compile`` as the install step does.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from flask_babel import ngettext

from tests.conftest import csrf_token, permalink
from tests.test_html import VALIDATOR, add_discussion, save
from tests.test_i18n_reader_ru import add_comments, heading, send_comment

ROOT = Path(__file__).resolve().parent.parent
TITLE = "أخبار"


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "LANGUAGE": "ar"}


@pytest.fixture
def post(make_post, client):
    post_id = make_post(TITLE, slug="akhbar", body="نص المقالة.")
    return post_id, permalink(client, TITLE)


def test_the_post_page_is_arabic_and_right_to_left(client, post):
    page = client.get(post[1]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_the_comment_form_speaks_arabic(client, post):
    page = client.get(post[1]).get_data(as_text=True)
    for text in ("اترك تعليقاً", "لن يتم نشر عنوان بريدك الإلكتروني.",
                 '<label for="comment">التعليق</label>', '<label for="author">الاسم</label>',
                 '<label for="email">البريد الإلكتروني</label>',
                 '<label for="url">الموقع الإلكتروني</label>',
                 'value="إرسال التعليق"'):  # fmt: skip
        assert text in page
    assert "Leave a Reply" not in page and "Post Comment" not in page


def test_a_held_comment_shows_the_arabic_moderation_notice(app, client, post):
    add_comments(app, post[0], 1)
    response = send_comment(client, post, comment="مقالة رائعة!", author="ليلى")
    page = client.get(response.location).get_data(as_text=True)
    assert "تعليقك بانتظار المراجعة." in page
    assert "awaiting moderation" not in page


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "رد واحد"), (2, "2 ردّان"), (3, "3 ردود"), (11, "11 ردًّا"), (100, "100 رد")],
)
def test_the_comment_count_follows_arabic_plural_rules(app, client, post, count, expected):
    add_comments(app, post[0], count)
    assert heading(client.get(post[1]).get_data(as_text=True)) == f"{expected} على «{TITLE}»"


def test_zero_has_its_own_plural_form(app):
    # The post page shows no heading without comments, so zero is read from the catalogue.
    with app.test_request_context("/"):
        zero = ngettext("%(num)d Response to “%(title)s”", "%(num)d Responses to “%(title)s”",
                        0, title=TITLE)  # fmt: skip
        many = ngettext("%(num)d Response to “%(title)s”", "%(num)d Responses to “%(title)s”",
                        11, title=TITLE)  # fmt: skip
    assert zero == f"0 رد على «{TITLE}»" and many == f"11 ردًّا على «{TITLE}»"


def test_the_arabic_pages_are_valid_html(app, client, auth, post, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("The HTML checker needs Java: apt-get install default-jre-headless")
    reply_to = add_discussion(app, post[0])
    save(tmp_path, "post-with-comments", client.get(post[1]))
    save(tmp_path, "post-reply-form-open", client.get(f"{post[1]}?replytocom={reply_to}"))
    errors = client.post(
        f"/posts/{post[0]}/comments",
        data={"csrf_token": csrf_token(client.get(post[1])), "parent_id": str(reply_to)},
    )
    assert errors.status_code == 422
    save(tmp_path, "comment-errors", errors)
    save(tmp_path, "home", client.get("/"))
    save(tmp_path, "search-no-results", client.get("/search?q=nowhere"))
    save(tmp_path, "not-found", client.get("/no/such/page"))
    auth.login_through_session()
    arabic_author = {"Accept-Language": "ar"}  # the admin follows the author's browser
    save(tmp_path, "moderation", client.get("/admin/comments", headers=arabic_author))
    save(tmp_path, "edit-post", client.get(f"/admin/posts/{post[0]}/edit", headers=arabic_author))
    for name in ("post-with-comments", "moderation", "edit-post"):
        assert '<html lang="ar" dir="rtl">' in (tmp_path / f"{name}.html").read_text(), name
    assert "موافقة" in (tmp_path / "moderation.html").read_text()
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
