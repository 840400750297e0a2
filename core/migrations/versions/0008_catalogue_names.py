"""works and characters: catalogue ids (the YAML's `id`) and a work's titles in every script

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('titles', sa.JSON(), nullable=True))
        batch_op.create_index('ix_works_holder_key', ['rights_holder_id', 'key'], unique=True)
    with op.batch_alter_table('characters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_characters_work_key', ['work_id', 'key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('characters', schema=None) as batch_op:
        batch_op.drop_index('ix_characters_work_key')
        batch_op.drop_column('key')
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_index('ix_works_holder_key')
        batch_op.drop_column('titles')
        batch_op.drop_column('key')
