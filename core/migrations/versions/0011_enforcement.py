"""enforcement: enforcement_events (notice sent, removed, counter-notice ... and re-check visits); findings
carry their current enforcement state and its time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'enforcement_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=True),
        sa.Column('platform_ref', sa.String(length=200), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('evidence_key', sa.Text(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_enforcement_events_finding_id', 'enforcement_events', ['finding_id'])
    op.create_index('ix_enforcement_events_state', 'enforcement_events', ['state'])
    op.create_index('ix_enforcement_events_at', 'enforcement_events', ['at'])
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enforcement_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('enforcement_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_findings_enforcement_state', ['enforcement_state'])


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_enforcement_state')
        batch_op.drop_column('enforcement_at')
        batch_op.drop_column('enforcement_state')
    op.drop_index('ix_enforcement_events_at', table_name='enforcement_events')
    op.drop_index('ix_enforcement_events_state', table_name='enforcement_events')
    op.drop_index('ix_enforcement_events_finding_id', table_name='enforcement_events')
    op.drop_table('enforcement_events')
