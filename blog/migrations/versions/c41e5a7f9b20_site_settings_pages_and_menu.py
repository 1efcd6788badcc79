"""site settings, pages and the menu

Revision ID: c41e5a7f9b20
Revises: 5c1e9b7d2a40
Create Date: 2026-12-03 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41e5a7f9b20'
down_revision = '5c1e9b7d2a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings')),
    )


def downgrade():
    op.drop_table('site_settings')
