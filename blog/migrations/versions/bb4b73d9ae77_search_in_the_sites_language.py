"""search in the site's language: posts.search_config

Each post records the PostgreSQL text-search configuration its words are
indexed in, and on PostgreSQL the generated search_vector reads it
(to_tsvector(regconfig, text) is immutable, so a generated column may use
another column). Existing posts take the configuration of the language the
app runs with here (LANGUAGE from the environment or instance/config.py); a
language chosen in Settings is taken up by the next save there or by
`flask --app blog reindex-search`.

SQLite's FTS5 index does not stem, so there the column only records the
configuration; ADD COLUMN leaves the table, and its search triggers, as is.

Revision ID: bb4b73d9ae77
Revises: d8a3f61c2e47
Create Date: 2026-12-04 01:45:00.000000

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql

from blog.i18n import search_config

# revision identifiers, used by Alembic.
revision = 'bb4b73d9ae77'
down_revision = 'd8a3f61c2e47'
branch_labels = None
depends_on = None


def search_vector(config: str) -> str:
    return f"""
    ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({config}, coalesce(title, '')), 'A')
        || setweight(to_tsvector({config}, coalesce(body_text, '')), 'B')
    ) STORED
    """


INDEX = "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)"


def upgrade():
    language = current_app.config["LANGUAGE"] if has_app_context() else ""
    config = search_config(language)
    postgres = op.get_bind().dialect.name == "postgresql"
    column_type = postgresql.REGCONFIG() if postgres else sa.String(63)
    op.add_column(
        "posts", sa.Column("search_config", column_type, nullable=False, server_default="simple")
    )
    value = "CAST(:config AS regconfig)" if postgres else ":config"
    op.execute(sa.text(f"UPDATE posts SET search_config = {value}").bindparams(config=config))
    if postgres:
        # Dropping the column drops its index; adding it back fills it for every post.
        op.execute("ALTER TABLE posts DROP COLUMN search_vector")
        op.execute(search_vector("search_config"))
        op.execute(INDEX)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE posts DROP COLUMN search_vector")
        op.execute(search_vector("'simple'"))
        op.execute(INDEX)
    op.drop_column("posts", "search_config")
