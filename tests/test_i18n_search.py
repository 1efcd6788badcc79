"""Search in the site's language, on SQLite and on PostgreSQL (blog/search.py).

PostgreSQL stems the words in the language's text-search configuration, so
another form of a word finds it; SQLite's FTS5 does not stem, and both fold
case for Cyrillic as for Latin.
"""

import pytest
import sqlalchemy as sa

from blog import i18n
from blog.extensions import db
from blog.models import Post
from tests.conftest import AuthActions, post_form
from tests.test_search import assert_index_in_step, edit_form_data, result_titles
from tests.test_site_settings import sent

NEWS = "Новости"
NEWS_BODY = "В России открыли новый комментарий к закону о ёлках."


@pytest.fixture
def app_settings(app_settings) -> dict:
    return {**app_settings, "LANGUAGE": "ru"}


def on_postgresql(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def stored_configs(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(sa.cast(Post.search_config, sa.Text))))


def test_a_word_in_another_case_finds_a_russian_post(app, client, make_post):
    make_post(NEWS, body=NEWS_BODY)
    assert result_titles(client, "РОССИИ") == [NEWS]
    assert result_titles(client, "новости") == [NEWS]  # the title, lower-cased
    assert result_titles(client, "КОММЕНТАРИЙ") == [NEWS]


def test_another_form_of_a_word_finds_a_russian_post_on_postgresql(app, client, make_post):
    make_post(NEWS, body=NEWS_BODY)
    expected = [NEWS] if on_postgresql(app) else []  # FTS5 matches whole words only
    assert result_titles(client, "комментарии") == expected
    assert result_titles(client, "Россия") == expected
    # Russian stemming also reads ё as е, as most Russian text is typed.
    assert result_titles(client, "елки") == expected
    assert result_titles(client, "ёлках") == [NEWS]


def test_posts_are_indexed_in_the_sites_language(app, make_post):
    make_post(NEWS, body=NEWS_BODY)
    assert stored_configs(app) == ["russian"]
    assert_index_in_step(app)


def test_a_language_saved_in_settings_indexes_every_post_again(app, client, make_post):
    app.config["LANGUAGE"] = "en"
    make_post("Comments", body="Readers wrote many comments.")
    make_post(NEWS, body=NEWS_BODY)
    with app.app_context():
        updated = list(db.session.scalars(sa.select(Post.updated_at).order_by(Post.id)))
    assert stored_configs(app) == ["english", "english"]
    AuthActions(client).login()
    post_form(client, "/admin/settings", sent(language="ru"))
    assert stored_configs(app) == ["russian", "russian"]
    assert_index_in_step(app)
    with app.app_context():  # the words did not change: neither do the feeds
        assert list(db.session.scalars(sa.select(Post.updated_at).order_by(Post.id))) == updated
    expected = [NEWS] if on_postgresql(app) else []
    assert result_titles(client, "комментарии") == expected


def test_the_reindex_command_follows_a_language_set_in_the_environment(app, runner, make_post):
    make_post(NEWS, body=NEWS_BODY)
    app.config["LANGUAGE"] = "de"  # as BLOG_LANGUAGE=de and a restart give
    result = runner.invoke(args=["reindex-search"])
    assert result.exit_code == 0
    assert result.output == "Indexed 1 posts in 'german'.\n"
    assert stored_configs(app) == ["german"]
    assert runner.invoke(args=["reindex-search"]).output == "Indexed 0 posts in 'german'.\n"


@pytest.mark.parametrize(
    ("tag", "config"),
    [("ru", "russian"), ("en", "english"), ("de", "german"), ("pt-BR", "portuguese"),
     ("nb", "norwegian"), ("ar", "arabic"), ("he", "simple"), ("ja", "simple"),
     ("xx-nonsense", "simple"), ("", "simple")],
)  # fmt: skip
def test_each_language_has_the_configuration_postgresql_ships_for_it(tag, config):
    assert i18n.search_config(tag) == config


def test_every_configuration_named_exists_in_postgresql(app):
    if not on_postgresql(app):
        pytest.skip("pg_catalog's text-search configurations: PostgreSQL only")
    with app.app_context():
        shipped = set(db.session.scalars(sa.text("SELECT cfgname FROM pg_ts_config")))
    assert i18n.SEARCH_CONFIGS | {i18n.UNSTEMMED} <= shipped


def test_a_cyrillic_title_gets_a_transliterated_slug_on_a_russian_blog(app, client, auth):
    auth.login()
    post_form(client, "/admin/posts/new", edit_form_data(title="Комментарии к новостям"))
    with app.app_context():
        assert db.session.scalars(sa.select(Post.slug)).all() == ["kommentarii-k-novostiam"]
