"""Which language a page speaks: the site's on public pages, the author's browser in the admin."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import gettext

from blog import create_app, i18n
from tests.conftest import app_config
from tests.pseudo_locale import PSEUDO_LOCALE, extract_messages, untranslated_text


@pytest.mark.parametrize(
    ("language", "lang", "direction"),
    [("en", "en", "ltr"), ("ru", "ru", "ltr"), ("pt-BR", "pt-BR", "ltr"), ("ar", "ar", "rtl"),
     ("he", "he", "rtl"), ("xx-nonsense", "xx-nonsense", "ltr")],
)  # fmt: skip
def test_the_page_says_the_sites_language_and_direction(app, client, language, lang, direction):
    app.config["LANGUAGE"] = language
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_a_readers_browser_never_changes_the_public_sites_language(app, client):
    app.config["LANGUAGE"] = "ru"
    page = client.get("/", headers={"Accept-Language": "ar, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru" dir="ltr">' in page


def test_the_admin_follows_the_authors_browser_among_the_catalogues(app, client, auth):
    auth.login()
    page = client.get("/admin/", headers={"Accept-Language": "ar-EG, en;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in page.get_data(as_text=True)
    page = client.get("/admin/", headers={"Accept-Language": "de, en;q=0.5"})
    assert '<html lang="en" dir="ltr">' in page.get_data(as_text=True)


def test_an_unknown_language_tag_falls_back_to_english():
    assert str(i18n.locale_of("xx-nonsense")) == "en"
    assert str(i18n.locale_of("pt-BR")) == "pt_BR"


class TestThePseudoLocaleCheck:
    """The check the untranslated-string tests rely on must catch what it is for."""

    def test_it_finds_text_outside_the_wrappers(self):
        html = '<p>⟦Leave a Reply⟧</p><button>Post</button><input type="submit" value="Send">'
        assert untranslated_text(html) == ["Post", "Send"]

    def test_it_passes_wrapped_text_nested_markup_user_content_and_dates(self):
        html = (
            '<p>⟦Posted by <a href="/">Ann</a> on⟧ <time datetime="2026">3 dec</time>.</p>'
            '<img alt="⟦Photo⟧"><h1>My Title</h1><script>var x = "code";</script>'
        )
        assert untranslated_text(html, user_content=("My Title",)) == []

    def test_it_reads_the_attributes_a_reader_hears(self):
        assert untranslated_text('<nav aria-label="Main menu"></nav>') == ["Main menu"]


def test_the_pseudo_locale_wraps_what_is_marked_for_translation(app, pseudo_catalogues):
    app = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], LANGUAGE=PSEUDO_LOCALE,
                                BABEL_TRANSLATION_DIRECTORIES=pseudo_catalogues))  # fmt: skip
    with app.test_request_context("/"):
        assert gettext("Please try again") == "⟦Please try again⟧"


@pytest.mark.parametrize("header", ["../../etc/passwd", "*;q=x, ,;", "x" * 5000, "ar-\u202e, ru"])
def test_a_hostile_accept_language_is_only_a_preference(client, auth, header):
    auth.login()
    assert client.get("/admin/", headers={"Accept-Language": header}).status_code == 200


CATALOGUES = Path(i18n.__file__).parent / "translations"


def messages_of(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def test_the_template_holds_every_string_marked_in_the_code(tmp_path):
    extract_messages(tmp_path / "fresh.pot")
    fresh, kept = messages_of(tmp_path / "fresh.pot"), messages_of(CATALOGUES / "messages.pot")
    assert {(m.id, m.context) for m in fresh} == {(m.id, m.context) for m in kept}, (
        "run scripts/translations.sh update"
    )


@pytest.mark.parametrize("language", ["ru", "ar"])
def test_every_message_has_a_translation_with_every_plural_form(language):
    template = messages_of(CATALOGUES / "messages.pot")
    catalogue = messages_of(CATALOGUES / language / "LC_MESSAGES" / "messages.po")
    untranslated = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, context=wanted.context)
        strings = () if message is None else message.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        forms = catalogue.num_plurals if wanted.pluralizable else 1
        if len(strings) != forms or not all(strings) or message.fuzzy:
            untranslated.append(wanted.id)
    assert len(template) > 500 and untranslated == []
