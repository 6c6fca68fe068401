"""scheduled changes: downgrades and cancellations taking effect at the end of the paid period

- change_requests: what the customer asked for from "My plan", with the survey's answers;
- scheduled_changes: what each subscription becomes on the day the change takes effect,
  applied once at that boundary (P3, Y3).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("solution", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'cancelled', 'done')", name=op.f("ck_change_requests_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_change_requests_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    op.create_index(
        op.f("ix_change_requests_customer_id"), "change_requests", ["customer_id", "status"], unique=False
    )
    op.create_table(
        "scheduled_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=40), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("cycle", sa.String(length=10), nullable=True),
        sa.Column("ends", sa.Boolean(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'cancelled', 'applied')", name=op.f("ck_scheduled_changes_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["change_requests.id"],
            name=op.f("fk_scheduled_changes_request_id_change_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_scheduled_changes_subscription_id_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_changes")),
    )
    op.create_index(
        op.f("ix_scheduled_changes_status"), "scheduled_changes", ["status", "effective_on"], unique=False
    )
    op.create_index(
        op.f("ix_scheduled_changes_subscription_id"),
        "scheduled_changes",
        ["subscription_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_scheduled_changes_subscription_id"), table_name="scheduled_changes")
    op.drop_index(op.f("ix_scheduled_changes_status"), table_name="scheduled_changes")
    op.drop_table("scheduled_changes")
    op.drop_index(op.f("ix_change_requests_customer_id"), table_name="change_requests")
    op.drop_table("change_requests")
