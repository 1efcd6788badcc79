"""post plain text and reading time

Revision ID: f37b744b368c
Revises: a8d5a39a156c
Create Date: 2026-11-25 18:42:27.528445

"""
import sqlalchemy as sa
from alembic import op

from blog import text

# revision identifiers, used by Alembic.
revision = 'f37b744b368c'
down_revision = 'a8d5a39a156c'
branch_labels = None
depends_on = None

posts = sa.table(
    "posts",
    sa.column("id", sa.Integer),
    sa.column("body_html", sa.Text),
    sa.column("body_text", sa.Text),
    sa.column("reading_minutes", sa.Integer),
)


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('body_text', sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column('reading_minutes', sa.Integer(), nullable=False, server_default="1")
        )
    # Fill both for the posts an existing blog already has.
    connection = op.get_bind()
    for post_id, body_html in connection.execute(sa.select(posts.c.id, posts.c.body_html)):
        words = text.plain_text(body_html)
        connection.execute(
            posts.update()
            .where(posts.c.id == post_id)
            .values(body_text=words, reading_minutes=text.reading_minutes(words))
        )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('reading_minutes')
        batch_op.drop_column('body_text')
