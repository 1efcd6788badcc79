"""the author's desk: why a comment was held, and post revisions

Revision ID: c4d7e9a1b2f6
Revises: 5c1e9b7d2a40
Create Date: 2026-12-03 14:40:00

comments.held_reason is added with a batch operation (SQLite rebuilds the
table; comments have no search triggers).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d7e9a1b2f6'
down_revision = '5c1e9b7d2a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('held_reason', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('held_reason')
