"""wordpress import: wp ids on posts and comments, legacy links

Revision ID: d8e2a6c41f90
Revises: 142021efa1d9
Create Date: 2026-11-25 21:05:00.000000

Plain add_column / create_index, never batch mode: on SQLite a batch
rebuild of ``posts`` would drop the full-text-search triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e2a6c41f90'
down_revision = '142021efa1d9'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('posts', sa.Column('wp_id', sa.BigInteger(), nullable=True))
    op.create_index(op.f('ix_posts_wp_id'), 'posts', ['wp_id'], unique=True)
    op.add_column('comments', sa.Column('wp_id', sa.BigInteger(), nullable=True))
    op.create_index(op.f('ix_comments_wp_id'), 'comments', ['wp_id'], unique=True)
    op.create_table('legacy_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('tag_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(post_id IS NULL) <> (tag_id IS NULL)', name=op.f('ck_legacy_links_one_target')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_legacy_links_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_legacy_links_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legacy_links'))
    )
    op.create_index(op.f('ix_legacy_links_path'), 'legacy_links', ['path'], unique=True)
    op.create_index(op.f('ix_legacy_links_post_id'), 'legacy_links', ['post_id'], unique=False)
    op.create_index(op.f('ix_legacy_links_tag_id'), 'legacy_links', ['tag_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_legacy_links_tag_id'), table_name='legacy_links')
    op.drop_index(op.f('ix_legacy_links_post_id'), table_name='legacy_links')
    op.drop_index(op.f('ix_legacy_links_path'), table_name='legacy_links')
    op.drop_table('legacy_links')
    op.drop_index(op.f('ix_comments_wp_id'), table_name='comments')
    op.drop_column('comments', 'wp_id')
    op.drop_index(op.f('ix_posts_wp_id'), table_name='posts')
    op.drop_column('posts', 'wp_id')
