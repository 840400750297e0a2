"""findings: kind (copy, ai_depiction, mention), character, signals, the policy's action; holder_policies

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holder_policies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rights_holder_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['rights_holder_id'], ['rights_holders.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rights_holder_id', 'version'),
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('reference_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('character_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='copy'))
        batch_op.add_column(sa.Column('signals', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('action', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('policy_version', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_findings_character_id', 'characters', ['character_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index('ix_findings_character_id', ['character_id'], unique=False)
        batch_op.create_index('ix_findings_kind', ['kind'], unique=False)
    # copies name their character through their reference: record it on the finding
    op.execute('UPDATE findings SET character_id = (SELECT "references".character_id FROM "references" '
               'WHERE "references".id = findings.reference_id)')
    # one finding per (clip, character) for the findings without a reference (copies stay one per reference)
    op.create_index('ux_findings_clip_character', 'findings', ['clip_id', 'character_id'], unique=True,
                    sqlite_where=sa.text('reference_id IS NULL'), postgresql_where=sa.text('reference_id IS NULL'))


def downgrade() -> None:
    op.drop_index('ux_findings_clip_character', table_name='findings')
    op.execute('DELETE FROM findings WHERE reference_id IS NULL')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_kind')
        batch_op.drop_index('ix_findings_character_id')
        batch_op.drop_constraint('fk_findings_character_id', type_='foreignkey')
        batch_op.drop_column('policy_version')
        batch_op.drop_column('action')
        batch_op.drop_column('signals')
        batch_op.drop_column('kind')
        batch_op.drop_column('character_id')
        batch_op.alter_column('reference_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('holder_policies')
