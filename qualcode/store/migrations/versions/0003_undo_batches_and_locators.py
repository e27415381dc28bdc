"""undo batches and coding locators

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:11:03.223562
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('undone', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_audit_log_batch'), ['batch'], unique=False)

    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locator', sa.String(length=200), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.drop_column('locator')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_batch'))
        batch_op.drop_column('undone')
        batch_op.drop_column('batch')

