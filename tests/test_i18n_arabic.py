"""An Arabic blog as its readers meet it: right to left, counts, the comment form, valid HTML.

Uses the real catalogue (blog/translations/ar), compiled by
``scripts/translations.sh compile`` as the install step does.
"""

from pathlib import Path

import pytest
from flask_babel import ngettext

from tests.conftest import permalink
from tests.test_html import check_translated_pages
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
    pages = check_translated_pages(app, client, auth, post, tmp_path, language="ar")
    for name in ("post-with-comments", "moderation", "edit-post"):
        assert '<html lang="ar" dir="rtl">' in pages[name], name
    assert "موافقة" in pages["moderation"]
