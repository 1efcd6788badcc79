"""index posts.created_at for the dashboard's pages

Revision ID: 5c1e9b7d2a40
Revises: d8e2a6c41f90
Create Date: 2026-11-25 22:35:00

A plain CREATE INDEX: on SQLite a batch rebuild of posts would drop the
full-text search triggers.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1e9b7d2a40'
down_revision = 'd8e2a6c41f90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_posts_created_at'), 'posts', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_posts_created_at'), table_name='posts')
