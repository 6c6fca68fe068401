"""support tickets: a customer handed over to human agents in a forum supergroup

- support_topics: the forum topic of each customer in each support group;
- support_tickets: one handoff each, at most one open per customer (a partial unique index);
- support_messages: each message of a ticket and its copy on the other side, so that
  replies and edits can be carried across.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = "status = 'open'"


def upgrade() -> None:
    op.create_table(
        "support_topics",
        sa.Column("support_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_support_topics_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("support_chat_id", "customer_id", name=op.f("pk_support_topics")),
        sa.UniqueConstraint("support_chat_id", "thread_id", name=op.f("uq_support_topics_support_chat_id")),
    )
    op.create_table(
        "support_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("support_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_by_name", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=16), nullable=True),
        sa.Column("quote", sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_support_tickets_status_known")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_support_tickets_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
    )
    op.create_index(
        "ix_support_tickets_one_open_per_customer",
        "support_tickets",
        ["customer_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        op.f("ix_support_tickets_support_chat_id"), "support_tickets", ["support_chat_id", "thread_id"]
    )
    op.create_table(
        "support_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_message_id", sa.BigInteger(), nullable=False),
        sa.Column("topic_message_id", sa.BigInteger(), nullable=False),
        sa.Column("from_customer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["support_tickets.id"],
            name=op.f("fk_support_messages_ticket_id_support_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_messages")),
    )
    op.create_index(
        "ix_support_messages_ticket_id_customer_message_id",
        "support_messages",
        ["ticket_id", "customer_message_id"],
    )
    op.create_index(
        "ix_support_messages_ticket_id_topic_message_id",
        "support_messages",
        ["ticket_id", "topic_message_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_support_messages_ticket_id_topic_message_id", table_name="support_messages")
    op.drop_index("ix_support_messages_ticket_id_customer_message_id", table_name="support_messages")
    op.drop_table("support_messages")
    op.drop_index(op.f("ix_support_tickets_support_chat_id"), table_name="support_tickets")
    op.drop_index("ix_support_tickets_one_open_per_customer", table_name="support_tickets")
    op.drop_table("support_tickets")
    op.drop_table("support_topics")
