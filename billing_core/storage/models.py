"""The tables. Money is whole VND in BIGINT columns; dates are calendar days in Asia/Ho_Chi_Minh;
instants are stored as timezone-aware UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from billing_core.storage.column_types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORDER_STATES = ("pending", "paid", "failed", "expired", "cancelled")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    display_name: Mapped[str | None] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    billing_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # V2
    vat_invoice: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # V3
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("customer_id", "solution"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    catalogue: Mapped[str] = mapped_column(String(40), default="cleeksy")
    solution: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(40))
    seats: Mapped[int | None] = mapped_column(Integer)
    cycle: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # the current period, half-open (Y5)
    paid_until: Mapped[dt.date] = mapped_column(Date)  # ≥ period_end when a renewal is prepaid
    anchor_day: Mapped[int | None] = mapped_column(Integer)  # the day of the month it renews on (Y5)
    status: Mapped[str] = mapped_column(String(10))  # active | trial | expired | locked | free
    renewal_mode: Mapped[str] = mapped_column(String(10), default="manual")  # V1
    addons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # C4 blocks held
    quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # C5 credited
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Trial(Base):
    __tablename__ = "trials"
    __table_args__ = (UniqueConstraint("customer_id", "solution"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    solution: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)  # exclusive (T1)
    activated_seats: Mapped[int] = mapped_column(Integer, default=0)  # S4
    source: Mapped[str] = mapped_column(String(20), default="bot")  # bot | import


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (CheckConstraint("taken >= 0", name="taken_not_negative"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    percent_off: Mapped[int | None] = mapped_column(Integer)
    amount_off: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    max_redemptions: Mapped[int | None] = mapped_column(Integer)
    max_per_customer: Mapped[int | None] = mapped_column(Integer)
    solutions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tiers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cycles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    min_order: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)  # reserved + redeemed (K2)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (CheckConstraint(f"status IN {ORDER_STATES!r}", name="status_known"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    client_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    catalogue: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)  # V5: fixed at creation, with VAT
    before_tax: Mapped[int] = mapped_column(BigInteger)
    vat_amount: Mapped[int] = mapped_column(BigInteger)
    coupon_code: Mapped[str | None] = mapped_column(String(40))
    renewal_mode: Mapped[str] = mapped_column(String(10), default="manual")
    quote: Mapped[dict[str, Any]] = mapped_column(JSON)  # the quote as shown
    billing: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # V2/V3 snapshot
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    settled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    activated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    failure_code: Mapped[str | None] = mapped_column(String(10))


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    solution: Mapped[str | None] = mapped_column(String(40))
    addon: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(40))
    seats: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer)
    cycle: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[dt.date] = mapped_column(Date)  # the days paid for
    period_end: Mapped[dt.date] = mapped_column(Date)
    full_period_start: Mapped[dt.date] = mapped_column(Date)  # the period they belong to (P1)
    amount: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    vat_rate: Mapped[str] = mapped_column(String(4))
    quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    gateway: Mapped[str] = mapped_column(String(20), default="vnpay")
    txn_ref: Mapped[str] = mapped_column(String(100), unique=True)  # one per attempt
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | paid | failed
    response_code: Mapped[str | None] = mapped_column(String(4))
    transaction_no: Mapped[str | None] = mapped_column(String(20))
    raw_callback: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # kept for audit
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class CouponRedemption(Base):
    __tablename__ = "coupon_redemptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(10))  # reserved | redeemed | released
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class InvoiceCounter(Base):
    """The last number issued per symbol and year (numbers restart each 1 January)."""

    __tablename__ = "invoice_counters"
    symbol: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("symbol", "year", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    form: Mapped[str] = mapped_column(String(1), default="1")
    symbol: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)


class ConversationState(Base):
    __tablename__ = "conversation_states"
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)  # optimistic locking
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class SupportTopic(Base):
    """The forum topic that carries a customer's support conversations in one support group."""

    __tablename__ = "support_topics"
    __table_args__ = (UniqueConstraint("support_chat_id", "thread_id"),)
    support_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(BigInteger)  # Telegram's message_thread_id
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


TICKET_STATES = ("open", "closed")
_OPEN = text("status = 'open'")


class SupportTicket(Base):
    """A customer handed over to human agents, from the handoff until it is closed."""

    __tablename__ = "support_tickets"
    __table_args__ = (
        CheckConstraint(f"status IN {TICKET_STATES!r}", name="status_known"),
        # At most one open ticket per customer (partial, so closed ones pile up freely).
        Index(
            "ix_support_tickets_one_open_per_customer",
            "customer_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index(None, "support_chat_id", "thread_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    support_chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    reason: Mapped[str] = mapped_column(String(16))  # asked | words | misunderstood | command
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(BigInteger)  # the agent's Telegram user id
    claimed_by_name: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(16))  # agent | customer
    quote: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the agent's /quote request


class SupportMessage(Base):
    """A message of a ticket and its copy on the other side (customer's chat ↔ support topic)."""

    __tablename__ = "support_messages"
    __table_args__ = (
        Index("ix_support_messages_ticket_id_customer_message_id", "ticket_id", "customer_message_id"),
        Index("ix_support_messages_ticket_id_topic_message_id", "ticket_id", "topic_message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("support_tickets.id", ondelete="CASCADE"))
    customer_message_id: Mapped[int] = mapped_column(BigInteger)  # in the customer's private chat
    topic_message_id: Mapped[int] = mapped_column(BigInteger)  # in the support group's topic
    from_customer: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


BROADCAST_STATES = ("draft", "sending", "paused", "done", "cancelled")
OUTBOX_STATES = ("pending", "sent", "blocked", "failed", "cancelled")


class Broadcast(Base):
    """An operator's message to a segment of customers; its recipients are outbox rows."""

    __tablename__ = "broadcasts"
    __table_args__ = (CheckConstraint(f"status IN {BROADCAST_STATES!r}", name="status_known"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment: Mapped[str] = mapped_column(String(60))  # all | trial | trial-expiring | expired | solution:<id>
    text: Mapped[str | None] = mapped_column(String(4096))  # the operator's own words, sent as they are
    template: Mapped[str | None] = mapped_column(String(40))  # or a template, in each customer's language
    created_by: Mapped[str] = mapped_column(String(60))  # "cli" or "admin:<telegram user id>"
    status: Mapped[str] = mapped_column(String(10), default="draft")
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    notify_chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the admin's chat, for the report
    notify_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the progress message there
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class OutboxMessage(Base):
    """One message to one customer, sent at most once: `key` is unique (a trial reminder's
    `reminder:<customer>:<trial end>:<days>`, a broadcast's `broadcast:<id>:<customer>`)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATES!r}", name="status_known"),
        Index("ix_outbox_status_id", "status", "id"),
        Index("ix_outbox_broadcast_id_status", "broadcast_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what a reminder says
    status: Mapped[str] = mapped_column(String(10), default="pending")
    not_before: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class SenderLease(Base):
    """Which instance sends the outbox now, so reminders and broadcasts share one rate limit
    whatever the number of instances; a holder that stops renewing loses it at `expires_at`."""

    __tablename__ = "sender_leases"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


CHANGE_REQUEST_STATES = ("scheduled", "cancelled", "done")
CHANGE_STATES = ("scheduled", "cancelled", "applied")


class ChangeRequest(Base):
    """A change the customer scheduled from "My plan" (P3, Y3), with their survey answers."""

    __tablename__ = "change_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {CHANGE_REQUEST_STATES!r}", name="status_known"),
        Index(None, "customer_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # tier | seats | monthly | remove | cancel
    solution: Mapped[str] = mapped_column(String(40))  # "" for cancel
    value: Mapped[str | None] = mapped_column(String(40))  # the tier, or the users
    reason: Mapped[str | None] = mapped_column(String(20))  # the survey's button
    comment: Mapped[str | None] = mapped_column(String(1000))  # the survey's free text
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    effective_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class ScheduledChange(Base):
    """What one subscription becomes on `effective_on` (None keeps what is held), applied once
    at that boundary; a request's own target and those it carries along (S2, Y2)."""

    __tablename__ = "scheduled_changes"
    __table_args__ = (
        CheckConstraint(f"status IN {CHANGE_STATES!r}", name="status_known"),
        Index(None, "status", "effective_on"),
        Index(None, "subscription_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    tier: Mapped[str | None] = mapped_column(String(40))
    seats: Mapped[int | None] = mapped_column(Integer)
    cycle: Mapped[str | None] = mapped_column(String(10))
    ends: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    applied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
