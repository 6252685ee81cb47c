"""An indicator's direction may be neither: higher_is_better becomes nullable (None = neither).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.alter_column("higher_is_better", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE indicator SET higher_is_better = 1 WHERE higher_is_better IS NULL")
    with op.batch_alter_table("indicator") as batch:
        batch.alter_column("higher_is_better", existing_type=sa.Boolean(), nullable=False)
