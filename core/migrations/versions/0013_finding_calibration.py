"""findings: score_evidence (the calibration's input figures) and calibration_id (which calibration scored it)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_evidence', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('calibration_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('calibration_id')
        batch_op.drop_column('score_evidence')
