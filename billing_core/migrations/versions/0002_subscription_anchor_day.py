"""subscriptions.anchor_day: the day of the month a subscription renews on (Y5)

A period clamped at both ends (a yearly period from 29 February, three prepaid months from
the 31st) no longer shows its anchor day, so it is stored.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("subscriptions", sa.Column("anchor_day", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("anchor_day")
