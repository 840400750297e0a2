"""reference videos: a holder's footage whose shots' keyframes are references (references.video_id, video_time_s)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reference_videos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rights_holder_id', sa.Integer(), nullable=False),
        sa.Column('work_id', sa.Integer(), nullable=False),
        sa.Column('character_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('duration_s', sa.Float(), nullable=False),
        sa.Column('path', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['rights_holder_id'], ['rights_holders.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['work_id'], ['works.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['character_id'], ['characters.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sha256'),
    )
    op.create_index('ix_reference_videos_rights_holder_id', 'reference_videos', ['rights_holder_id'])
    with op.batch_alter_table('references', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('video_time_s', sa.Float(), nullable=True))
        batch_op.create_index('ix_references_video_id', ['video_id'])
        batch_op.create_foreign_key('fk_references_video_id', 'reference_videos', ['video_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('references', schema=None) as batch_op:
        batch_op.drop_constraint('fk_references_video_id', type_='foreignkey')
        batch_op.drop_index('ix_references_video_id')
        batch_op.drop_column('video_time_s')
        batch_op.drop_column('video_id')
    op.drop_index('ix_reference_videos_rights_holder_id', table_name='reference_videos')
    op.drop_table('reference_videos')
