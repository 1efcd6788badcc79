"""The migrations build exactly the schema the models describe."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from blog import create_app
from blog.extensions import db
from tests.conftest import app_config
from tests.databases import scratch_database


def test_migrations_match_the_models(app):
    # The hook autogenerate uses too: it leaves out the search objects made by hand.
    include_object = app.extensions["migrate"].configure_args["include_object"]
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, db.metadata) == []


def test_upgrade_is_idempotent(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_an_existing_blog_upgrades_and_keeps_its_posts(tmp_path):
    """Posts written before body_text existed get it filled in by the upgrade."""
    with scratch_database(tmp_path, "upgrade") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="a8d5a39a156c")  # the schema before body_text
            db.session.execute(sa.text(
                "INSERT INTO users (username, display_name, created_at) "
                "VALUES ('old', 'Old Timer', CURRENT_TIMESTAMP)"
            ))  # fmt: skip
            db.session.execute(sa.text(
                "INSERT INTO posts (title, slug, body, body_html, excerpt, excerpt_html, has_more,"
                " status, created_at, updated_at, allow_comments, author_id) VALUES ('Old', 'old',"
                " 'Hello *old* world', '<p>Hello <em>old</em> world</p>', '', '', false,"
                " 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, true, 1)"
            ))  # fmt: skip
            db.session.commit()
            upgrade()
            row = db.session.execute(
                sa.text("SELECT title, body_text, reading_minutes FROM posts")
            ).one()
            db.engine.dispose()
    assert tuple(row) == ("Old", "Hello old world", 1)


def test_wordpress_pages_imported_as_tagged_posts_become_pages(tmp_path):
    """Imported before pages existed: posts tagged 'page'. Their old links still answer."""
    with scratch_database(tmp_path, "pages") as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="5c1e9b7d2a40")  # the schema before pages
            for statement in (
                "INSERT INTO users (username, display_name, created_at) "
                "VALUES ('old', 'Old Timer', CURRENT_TIMESTAMP)",
                "INSERT INTO posts (title, slug, body, body_html, body_text, reading_minutes,"
                " excerpt, excerpt_html, has_more, status, published_at, created_at, updated_at,"
                " allow_comments, author_id, wp_id) VALUES"
                " ('About', 'about', 'Who', '<p>Who</p>', 'Who', 1, '', '', false, 'published',"
                " '2019-06-01 10:00:00', '2019-06-01 10:00:00', '2019-06-01 10:00:00', true, 1,"
                " 110),"
                " ('Notes', 'notes', 'Mine', '<p>Mine</p>', 'Mine', 1, '', '', false, 'published',"
                " '2019-07-01 10:00:00', '2019-07-01 10:00:00', '2019-07-01 10:00:00', true, 1,"
                " NULL)",
                "INSERT INTO tags (name, slug) VALUES ('page', 'page')",
                "INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (2, 1)",
                "INSERT INTO legacy_links (path, post_id) VALUES ('/archives/110', 1)",
            ):
                db.session.execute(sa.text(statement))
            db.session.commit()
            upgrade()
            kinds = dict(db.session.execute(sa.text("SELECT slug, kind FROM posts")).all())
            tagged = db.session.scalars(sa.text("SELECT post_id FROM post_tags")).all()
            db.engine.dispose()
        assert kinds == {"about": "page", "notes": "post"}  # a post written here keeps its tag
        assert tagged == [2]
        client = create_app(app_config(url)).test_client()
        for old in ("/?page_id=110", "/?p=110", "/2019/06/about/", "/archives/110"):
            response = client.get(old)
            assert (response.status_code, response.headers.get("Location")) == (301, "/about/"), old
        assert "Who" in client.get("/about/").get_data(as_text=True)
