"""site settings, pages, the menu and authors' email

Revision ID: c41e5a7f9b20
Revises: 9c3f1a7e5b20
Create Date: 2026-12-03 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41e5a7f9b20'
down_revision = '9c3f1a7e5b20'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs: a batch would rebuild posts on SQLite and lose the
    # full-text search triggers on it (b7e4c2a91f3d). SQLite takes the CHECK
    # inline, as ALTER TABLE cannot add one afterwards. parent_id is no foreign
    # key for the same reason: the model clears it when a parent is deleted.
    if op.get_context().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE posts ADD COLUMN kind VARCHAR(8) DEFAULT 'post' NOT NULL "
            "CONSTRAINT ck_posts_kind CHECK (kind IN ('post', 'page'))"
        )
    else:
        op.add_column('posts', sa.Column('kind', sa.String(length=8), server_default='post', nullable=False))
        op.create_check_constraint(op.f('ck_posts_kind'), 'posts', "kind IN ('post', 'page')")
    op.add_column('posts', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.add_column('posts', sa.Column('menu_order', sa.Integer(), server_default='0', nullable=False))
    op.create_index(op.f('ix_posts_parent_id'), 'posts', ['parent_id'], unique=False)
    pages_imported_as_tagged_posts_become_pages()
    op.add_column('users', sa.Column('email', sa.String(length=254), server_default='', nullable=False))
    op.create_table(
        'site_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings')),
    )
    op.create_table(
        'menu_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "kind IN ('home', 'page', 'tag', 'year', 'feed', 'comments-feed', 'url')",
            name=op.f('ck_menu_items_kind'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_items')),
    )
    op.create_index(op.f('ix_menu_items_position'), 'menu_items', ['position'], unique=False)


# Before pages existed, import-wxr made each WordPress page a post tagged 'page'.
# Only imported posts (with a wp_id) are taken: a post written here keeps its tag.
IMPORTED_PAGES = (
    "SELECT post_tags.post_id FROM post_tags JOIN tags ON tags.id = post_tags.tag_id "
    "JOIN posts ON posts.id = post_tags.post_id "
    "WHERE tags.slug = 'page' AND posts.wp_id IS NOT NULL"
)


def pages_imported_as_tagged_posts_become_pages():
    """Their old links keep answering: /?page_id= finds them by wp_id, and their
    dated address (/2019/06/about/) answers with a 301 to the page (blog/posts/views.py)."""
    op.execute(f"UPDATE posts SET kind = 'page' WHERE id IN ({IMPORTED_PAGES})")
    op.execute(
        "DELETE FROM post_tags WHERE tag_id IN (SELECT id FROM tags WHERE slug = 'page') "
        "AND post_id IN (SELECT id FROM posts WHERE kind = 'page')"
    )
    op.execute(
        "DELETE FROM tags WHERE slug = 'page' "
        "AND NOT EXISTS (SELECT 1 FROM post_tags WHERE post_tags.tag_id = tags.id)"
    )


def downgrade():
    op.drop_column('users', 'email')
    op.drop_index(op.f('ix_menu_items_position'), table_name='menu_items')
    op.drop_table('menu_items')
    op.drop_table('site_settings')
    op.drop_index(op.f('ix_posts_parent_id'), table_name='posts')
    if op.get_context().dialect.name != 'sqlite':  # SQLite drops it with its column
        op.drop_constraint(op.f('ck_posts_kind'), 'posts', type_='check')
    op.drop_column('posts', 'menu_order')
    op.drop_column('posts', 'parent_id')
    op.drop_column('posts', 'kind')
