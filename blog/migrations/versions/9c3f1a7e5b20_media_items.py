"""media items: uploaded images and their renditions

Revision ID: 9c3f1a7e5b20
Revises: c4d7e9a1b2f6
Create Date: 2026-12-03 14:40:00

A new table only: nothing existing is rebuilt, so the search triggers stay.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c3f1a7e5b20'
down_revision = 'c4d7e9a1b2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'media_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('alt', sa.String(length=500), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('uploaded_bytes', sa.BigInteger(), nullable=False),
        sa.Column('renditions', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('wp_id', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_items')),
        sa.UniqueConstraint('sha256', name=op.f('uq_media_items_sha256')),
        sa.UniqueConstraint('wp_id', name=op.f('uq_media_items_wp_id')),
    )
    op.create_index(op.f('ix_media_items_created_at'), 'media_items', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_media_items_created_at'), table_name='media_items')
    op.drop_table('media_items')
