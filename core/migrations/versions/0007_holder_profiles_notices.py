"""holder_profiles (who sends a notice), notice_drafts (kept, versioned) and page_captures (WARC evidence)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holder_profiles',
        sa.Column('rights_holder_id', sa.Integer(), sa.ForeignKey('rights_holders.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('legal_name', sa.String(200)),
        sa.Column('legal_name_ja', sa.String(200)),
        sa.Column('representative', sa.String(200)),
        sa.Column('representative_title', sa.String(200)),
        sa.Column('address', sa.Text()),
        sa.Column('address_ja', sa.Text()),
        sa.Column('telephone', sa.String(64)),
        sa.Column('email', sa.String(320)),
        sa.Column('agent_name', sa.String(200)),
        sa.Column('agent_address', sa.Text()),
        sa.Column('agent_email', sa.String(320)),
        sa.Column('agent_telephone', sa.String(64)),
        sa.Column('authority_proof', sa.Text()),
        sa.Column('disclose_name', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL')),
    )
    op.create_table(
        'notice_drafts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('rights_holder_id', sa.Integer(), sa.ForeignKey('rights_holders.id', ondelete='CASCADE'),
                  nullable=False, index=True),
        sa.Column('platform', sa.String(32), nullable=False),
        sa.Column('uploader', sa.String(200), nullable=False),
        sa.Column('lang', sa.String(8), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('finding_ids', sa.JSON(), nullable=False),
        sa.Column('capture_ids', sa.JSON(), nullable=False),
        sa.Column('text_key', sa.Text(), nullable=False),
        sa.Column('text_sha256', sa.String(64), nullable=False),
        sa.Column('pdf_key', sa.Text()),
        sa.Column('pdf_sha256', sa.String(64)),
        sa.Column('created_by', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL')),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('rights_holder_id', 'platform', 'uploader', 'lang', 'version'),
    )
    op.create_table(
        'page_captures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('clip_id', sa.Integer(), sa.ForeignKey('clips.id', ondelete='CASCADE'), nullable=False,
                  index=True),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('status', sa.Integer()),
        sa.Column('warc_key', sa.Text(), nullable=False),
        sa.Column('warc_sha256', sa.String(64), nullable=False),
        sa.Column('body_sha256', sa.String(64), nullable=False),
        sa.Column('bytes', sa.Integer(), nullable=False),
        sa.Column('screenshot_key', sa.Text()),
        sa.Column('screenshot_sha256', sa.String(64)),
        sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('page_captures')
    op.drop_table('notice_drafts')
    op.drop_table('holder_profiles')
