"""The mapped classes' tables, typed as `Table`, for the SQL Core units of work; and upserts
built once per dialect (ON CONFLICT is spelled by each dialect's own `insert`)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

from sqlalchemy import Column, Executable, Table
from sqlalchemy.dialects import postgresql, sqlite

from billing_core.storage.models import (
    ConversationState,
    Coupon,
    CouponRedemption,
    Customer,
    Invoice,
    InvoiceCounter,
    Order,
    OrderLine,
    Payment,
    Subscription,
    SupportTopic,
    Trial,
)

COUPONS = cast(Table, Coupon.__table__)
COUPON_REDEMPTIONS = cast(Table, CouponRedemption.__table__)
INVOICES = cast(Table, Invoice.__table__)
INVOICE_COUNTERS = cast(Table, InvoiceCounter.__table__)
ORDERS = cast(Table, Order.__table__)
ORDER_LINES = cast(Table, OrderLine.__table__)
PAYMENTS = cast(Table, Payment.__table__)
SUBSCRIPTIONS = cast(Table, Subscription.__table__)
CONVERSATION_STATES = cast(Table, ConversationState.__table__)
CUSTOMERS = cast(Table, Customer.__table__)
SUPPORT_TOPICS = cast(Table, SupportTopic.__table__)
TRIALS = cast(Table, Trial.__table__)


def per_dialect(build: Callable[[ModuleType], Executable]) -> dict[str, Executable]:
    """`build(dialect_module)` for each database we run on, by dialect name."""
    return {"postgresql": build(postgresql), "sqlite": build(sqlite)}


def insert_once(table: Table, key: Column[Any], **values: Any) -> dict[str, Executable]:
    """INSERT of `values` that does nothing where a row with the same `key` exists (whoever
    wrote it meanwhile), per dialect; its rowcount says whether this one wrote."""

    def build(dialect: ModuleType) -> Executable:
        statement: Executable = (
            dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=[key])
        )
        return statement

    return per_dialect(build)
