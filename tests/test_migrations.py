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
