"""A customer's first look, in one unit of SQL Core (billing_core/storage/units.py): made on
first contact, marked reachable again (they write, so they unblocked the bot), and whether they
have ever held a subscription or a trial. A prospect, who has held neither, needs nothing more
read and no boundary settled: the chat answers them from this alone, which is most of a
sales bot's traffic; anyone else is read in full (handlers/store_effects.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, exists, false, select, update

from billing_core.storage.tables import CUSTOMERS, SUBSCRIPTIONS, TRIALS, insert_once


@dataclass(frozen=True, slots=True)
class FirstLook:
    customer_id: int
    language: str
    billing_profile: dict[str, Any] | None
    vat_invoice: dict[str, Any] | None
    holds_anything: bool
    """Has had a subscription (of any status) or a trial."""


_MAKE = insert_once(
    CUSTOMERS,
    CUSTOMERS.c.telegram_user_id,
    telegram_user_id=bindparam("user"),
    language=bindparam("language"),
    display_name=bindparam("display_name"),
    username=bindparam("username"),
    unreachable=False,
    created_at=bindparam("now"),
)
_HELD = exists().where(SUBSCRIPTIONS.c.customer_id == CUSTOMERS.c.id)
_TRIED = exists().where(TRIALS.c.customer_id == CUSTOMERS.c.id)
_READ = select(
    CUSTOMERS.c.id,
    CUSTOMERS.c.language,
    CUSTOMERS.c.billing_profile,
    CUSTOMERS.c.vat_invoice,
    CUSTOMERS.c.unreachable,
    (_HELD | _TRIED).label("holds_anything"),
).where(CUSTOMERS.c.telegram_user_id == bindparam("user"))
_REACHABLE = update(CUSTOMERS).where(CUSTOMERS.c.id == bindparam("customer")).values(unreachable=false())


def first_look(
    connection: Connection,
    telegram_user_id: int,
    *,
    now: dt.datetime,
    language: str,
    display_name: str | None,
    username: str | None,
) -> FirstLook:
    row = connection.execute(_READ, {"user": telegram_user_id}).first()
    if row is None:  # first contact (made once, whoever else makes it meanwhile)
        made = {
            "user": telegram_user_id,
            "language": language,
            "display_name": display_name,
            "username": username,
            "now": now,
        }
        connection.execute(_MAKE[connection.dialect.name], made)
        row = connection.execute(_READ, {"user": telegram_user_id}).one()
    if row.unreachable:
        connection.execute(_REACHABLE, {"customer": row.id})
    return FirstLook(row.id, row.language, row.billing_profile, row.vat_invoice, bool(row.holds_anything))
