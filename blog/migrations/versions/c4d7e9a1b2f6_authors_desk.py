"""the author's desk: why a comment was held, and post revisions

Revision ID: c4d7e9a1b2f6
Revises: e41c7a9b2d15
Create Date: 2026-12-03 14:40:00

comments.held_reason is added with a batch operation (SQLite rebuilds the
table; comments have no search triggers).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d7e9a1b2f6'
down_revision = 'e41c7a9b2d15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('held_reason', sa.String(length=200), nullable=False, server_default='')
        )
    op.create_table(
        'post_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('slug', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('excerpt', sa.Text(), nullable=False),
        sa.Column('tags', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('wp_id', sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('revision', 'autosave')", name=op.f('ck_post_revisions_kind')
        ),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'],
            name=op.f('fk_post_revisions_author_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['post_id'], ['posts.id'],
            name=op.f('fk_post_revisions_post_id_posts'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revisions')),
        sa.UniqueConstraint('wp_id', name=op.f('uq_post_revisions_wp_id')),
    )
    op.create_index(
        'ix_post_revisions_post_id_kind_created_at', 'post_revisions',
        ['post_id', 'kind', 'created_at'], unique=False,
    )
    op.create_index(
        op.f('ix_post_revisions_author_id'), 'post_revisions', ['author_id'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_post_revisions_author_id'), table_name='post_revisions')
    op.drop_index('ix_post_revisions_post_id_kind_created_at', table_name='post_revisions')
    op.drop_table('post_revisions')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('held_reason')
