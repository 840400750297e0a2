"""clips: the crawler's hand-off to the fetcher (media and player URLs, candidate posts); watchlists: render

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_url', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('player_url', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('candidate', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('render', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.drop_column('render')
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.drop_column('candidate')
        batch_op.drop_column('player_url')
        batch_op.drop_column('media_url')
