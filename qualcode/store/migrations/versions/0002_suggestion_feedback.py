"""suggestion feedback

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:07:52.348235
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('suggestion_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.String(length=64), nullable=False),
    sa.Column('coder', sa.String(length=100), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_suggestion_feedback_code_id_codes'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_suggestion_feedback_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_feedback')),
    sa.UniqueConstraint('segment_id', 'code_id', 'coder', name='uq_suggestion_feedback_decision')
    )
    with op.batch_alter_table('suggestion_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_feedback_segment_id'), ['segment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('suggestion_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_feedback_segment_id'))

    op.drop_table('suggestion_feedback')
