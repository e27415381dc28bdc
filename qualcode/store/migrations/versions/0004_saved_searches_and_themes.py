"""saved searches and themes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 00:19:41.913780
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('coder', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    sa.UniqueConstraint('name', name=op.f('uq_saved_searches_name'))
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rq', sa.String(length=16), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=True),
    sa.Column('coder', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('name', name=op.f('uq_themes_name'))
    )
    op.create_table('theme_codes',
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_theme_codes_code_id_codes'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_theme_codes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('theme_id', 'code_id', name=op.f('pk_theme_codes'))
    )
    op.create_table('theme_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('coder', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['themes.id'], name=op.f('fk_theme_links_source_id_themes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['themes.id'], name=op.f('fk_theme_links_target_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_links')),
    sa.UniqueConstraint('source_id', 'target_id', name='uq_theme_links_pair')
    )


def downgrade() -> None:
    op.drop_table('theme_links')
    op.drop_table('theme_codes')
    op.drop_table('themes')
    op.drop_table('saved_searches')
