"""full-text search of posts

SQLite: an FTS5 table over posts (external content) and the triggers that
keep it in step, filled for the posts a blog already has.
PostgreSQL: a generated tsvector column with a GIN index.

None of this is declared on the models; blog.search.include_object keeps
autogenerate from proposing to drop it.

Beware on SQLite: a later batch_alter_table on posts rebuilds the table,
and dropping the old one drops these triggers with it. Such a migration
must create the triggers again (tests/test_search.py checks that an edit
still reaches the index after every migration).

Revision ID: b7e4c2a91f3d
Revises: f37b744b368c
Create Date: 2026-11-27 10:12:45.118204

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e4c2a91f3d'
down_revision = 'f37b744b368c'
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE posts_fts USING fts5(
        title, body_text,
        content='posts', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER posts_fts_after_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END
    """,
    # External content: the index forgets a row by being told its old values.
    """
    CREATE TRIGGER posts_fts_after_delete AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    END
    """,
    """
    CREATE TRIGGER posts_fts_after_update AFTER UPDATE OF id, title, body_text ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
        INSERT INTO posts_fts (rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END
    """,
    # Index the posts that already exist.
    "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS posts_fts_after_update",
    "DROP TRIGGER IF EXISTS posts_fts_after_delete",
    "DROP TRIGGER IF EXISTS posts_fts_after_insert",
    "DROP TABLE IF EXISTS posts_fts",
]

# Adding a stored generated column rewrites the table, which fills it for
# existing posts. 'simple': no stemming or stop words, whatever the language.
POSTGRES_UPGRADE = [
    """
    ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body_text, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)",
]

POSTGRES_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_posts_search_vector",
    "ALTER TABLE posts DROP COLUMN IF EXISTS search_vector",
]


def statements(upgrade):
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_UPGRADE if upgrade else SQLITE_DOWNGRADE
    if dialect == "postgresql":
        return POSTGRES_UPGRADE if upgrade else POSTGRES_DOWNGRADE
    raise NotImplementedError(f"full-text search supports SQLite and PostgreSQL, not {dialect}")


def upgrade():
    for statement in statements(upgrade=True):
        op.execute(statement)


def downgrade():
    for statement in statements(upgrade=False):
        op.execute(statement)
