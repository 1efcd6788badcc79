"""roles, disabled and removed users, setup links, media uploaders

Revision ID: d8a3f61c2e47
Revises: c41e5a7f9b20
Create Date: 2026-12-04 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a3f61c2e47'
down_revision = 'c41e5a7f9b20'
branch_labels = None
depends_on = None

ROLE_CHECK = "role IN ('administrator', 'author')"
STATUS_CHECK = "status IN ('active', 'disabled', 'removed')"


def upgrade():
    # Plain ADD COLUMNs, as in c41e5a7f9b20: SQLite takes a CHECK only inline,
    # and a batch would rebuild the table. uploader_id is no foreign key for
    # the same reason: removing a user clears it (blog/users/accounts.py).
    if op.get_context().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE users ADD COLUMN role VARCHAR(16) DEFAULT 'author' NOT NULL "
            f"CONSTRAINT ck_users_role CHECK ({ROLE_CHECK})"
        )
        op.execute(
            "ALTER TABLE users ADD COLUMN status VARCHAR(16) DEFAULT 'active' NOT NULL "
            f"CONSTRAINT ck_users_status CHECK ({STATUS_CHECK})"
        )
    else:
        op.add_column('users', sa.Column('role', sa.String(length=16), server_default='author', nullable=False))
        op.create_check_constraint(op.f('ck_users_role'), 'users', ROLE_CHECK)
        op.add_column('users', sa.Column('status', sa.String(length=16), server_default='active', nullable=False))
        op.create_check_constraint(op.f('ck_users_status'), 'users', STATUS_CHECK)
    # Everyone who could log in before could do everything: they stay administrators.
    op.execute("UPDATE users SET role = 'administrator'")
    op.add_column('media_items', sa.Column('uploader_id', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('setup_token_hash', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('setup_expires_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_users_setup_token_hash'), 'users', ['setup_token_hash'], unique=True)
    op.create_index(op.f('ix_media_items_uploader_id'), 'media_items', ['uploader_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_media_items_uploader_id'), table_name='media_items')
    op.drop_index(op.f('ix_users_setup_token_hash'), table_name='users')
    op.drop_column('users', 'setup_expires_at')
    op.drop_column('users', 'setup_token_hash')
    if op.get_context().dialect.name != 'sqlite':  # SQLite drops them with their columns
        op.drop_constraint(op.f('ck_users_status'), 'users', type_='check')
        op.drop_constraint(op.f('ck_users_role'), 'users', type_='check')
    op.drop_column('media_items', 'uploader_id')
    op.drop_column('users', 'status')
    op.drop_column('users', 'role')
