"""text search index (terms, postings, per-document entries; built lazily by search)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:43:41.123908
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_terms',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('form', sa.String(length=100), nullable=False),
    sa.Column('lower', sa.String(length=100), nullable=False),
    sa.Column('lemma', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_terms')),
    sa.UniqueConstraint('form', name=op.f('uq_search_terms_form'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_terms_lemma'), ['lemma'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_terms_lower'), ['lower'], unique=False)

    op.create_table('search_postings',
    sa.Column('term_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('batch', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['search_terms.id'], name=op.f('fk_search_postings_term_id_search_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term_id', 'batch', name=op.f('pk_search_postings'))
    )
    with op.batch_alter_table('search_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_postings_batch'), ['batch'], unique=False)

    op.create_table('search_documents',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('respondent_words', sa.Integer(), nullable=False),
    sa.Column('segment_count', sa.Integer(), nullable=False),
    sa.Column('segments', sa.LargeBinary(), nullable=False),
    sa.Column('counts', sa.LargeBinary(), nullable=False),
    sa.Column('locators', sa.Text(), nullable=False),
    sa.Column('speakers', sa.Text(), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_search_documents_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_search_documents'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_batch'), ['batch'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_batch'))

    op.drop_table('search_documents')
    with op.batch_alter_table('search_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_postings_batch'))

    op.drop_table('search_postings')
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_terms_lower'))
        batch_op.drop_index(batch_op.f('ix_search_terms_lemma'))

    op.drop_table('search_terms')
