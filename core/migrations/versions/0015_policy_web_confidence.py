"""findings.confidence (a non-copy finding's rule-based confidence) and watermarks.retired_at; existing
non-copy findings get their confidence from their stored signals

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06 05:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('watermarks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    _backfill_confidence()


def _backfill_confidence() -> None:
    """Non-copy findings made before this revision: their confidence from the signals they carry."""
    from core.services.kinds import COPY, non_copy_confidence

    bind = op.get_bind()
    findings = sa.table('findings', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                        sa.column('signals', sa.JSON), sa.column('confidence', sa.Float))
    rows = bind.execute(sa.select(findings.c.id, findings.c.kind, findings.c.signals)
                        .where(findings.c.kind.isnot(None), findings.c.kind != COPY)).all()
    for finding_id, kind, signals in rows:
        value = non_copy_confidence(kind, list(signals or []))["value"]
        bind.execute(findings.update().where(findings.c.id == finding_id).values(confidence=value))


def downgrade() -> None:
    with op.batch_alter_table('watermarks', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('confidence')
