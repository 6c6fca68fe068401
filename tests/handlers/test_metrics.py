"""The Prometheus exposition: counters as they are bumped, gauges as the database holds them
(on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from billing_core.storage.database import transaction
from billing_core.storage.models import Broadcast, Order, OutboxMessage, Payment
from handlers.metrics import BROADCASTS_SHOWN, Metrics
from tests.billing_core.storage.conftest import NOW, Sessions, customer, engine, order, sessions

__all__ = ["engine", "sessions"]

Labels = frozenset[tuple[str, str]]


def scrape(metrics: Metrics) -> dict[str, dict[Labels, float]]:
    """Each sample's value by sample name and labels, parsed back from the exposition."""
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain; version=0.0.4")
    out: dict[str, dict[Labels, float]] = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return out


def by(label: str, samples: dict[Labels, float]) -> dict[str, float]:
    return {dict(labels)[label]: value for labels, value in samples.items()}


def per_broadcast(samples: dict[Labels, float]) -> dict[tuple[str, str], float]:
    return {(dict(k)["broadcast_id"], dict(k)["status"]): v for k, v in samples.items()}


async def set_status(sessions: Sessions, order_id: int, status: str) -> None:
    async with transaction(sessions) as s:
        await s.execute(update(Order).where(Order.id == order_id).values(status=status))


async def add_payment(sessions: Sessions, order_id: int, txn_ref: str, status: str) -> None:
    async with transaction(sessions) as s:
        s.add(
            Payment(
                order_id=order_id,
                txn_ref=txn_ref,
                amount=100_000,
                status=status,
                created_at=NOW,
                updated_at=NOW,
            )
        )


async def add_broadcast(
    sessions: Sessions, customer_id: int, statuses: list[str], *, started: bool = True
) -> int:
    """A broadcast with one outbox message per status given (all to the same customer)."""
    async with transaction(sessions) as s:
        broadcast = Broadcast(
            segment="all",
            text="News",
            created_by="cli",
            status="sending" if started else "draft",
            recipients=len(statuses),
            created_at=NOW,
            started_at=NOW if started else None,
        )
        s.add(broadcast)
        await s.flush()
        for n, status in enumerate(statuses):
            s.add(outbox_message(f"broadcast:{broadcast.id}:{n}", customer_id, status, broadcast.id))
        return broadcast.id


def outbox_message(key: str, customer_id: int, status: str, broadcast_id: int | None) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        customer_id=customer_id,
        chat_id=1001,
        broadcast_id=broadcast_id,
        status=status,
        not_before=NOW,
        attempts=0,
        created_at=NOW,
    )


def test_counters_and_the_histogram_count_what_was_reported() -> None:
    metrics = Metrics()
    metrics.update_handled("message", 0.003)
    metrics.update_handled("message", 0.004)
    metrics.update_handled("callback_query", 0.2)
    metrics.bot_api_error(429)
    metrics.bot_api_error(429)
    metrics.bot_api_error(0)
    metrics.ipn("00")
    metrics.ipn("97")
    metrics.ipn("00")
    got = scrape(metrics)
    assert by("kind", got["cleeksy_updates_handled_total"]) == {"message": 2, "callback_query": 1}
    assert by("kind", got["cleeksy_update_seconds_count"]) == {"message": 2, "callback_query": 1}
    assert by("kind", got["cleeksy_update_seconds_sum"])["message"] == pytest.approx(0.007)
    buckets = got["cleeksy_update_seconds_bucket"]
    assert buckets[frozenset({("kind", "message"), ("le", "0.005")})] == 2
    assert buckets[frozenset({("kind", "message"), ("le", "0.0025")})] == 0
    assert buckets[frozenset({("kind", "callback_query"), ("le", "0.1")})] == 0
    assert buckets[frozenset({("kind", "callback_query"), ("le", "0.25")})] == 1
    assert buckets[frozenset({("kind", "callback_query"), ("le", "10.0")})] == 1
    assert by("code", got["cleeksy_bot_api_errors_total"]) == {"429": 2, "0": 1}
    assert by("reply", got["cleeksy_ipn_total"]) == {"00": 2, "97": 1}


def test_two_instances_keep_their_own_counts() -> None:
    first, second = Metrics(), Metrics()
    first.ipn("00")
    assert by("reply", scrape(first)["cleeksy_ipn_total"]) == {"00": 1}
    assert "cleeksy_ipn_total" not in scrape(second)


async def test_an_empty_database_reads_zero_for_every_known_status(sessions: Sessions) -> None:
    metrics = Metrics()
    await metrics.refresh(sessions)
    got = scrape(metrics)
    assert by("status", got["cleeksy_orders"]) == dict.fromkeys(
        ("pending", "paid", "failed", "expired", "cancelled"), 0
    )
    assert by("status", got["cleeksy_payments"]) == {"pending": 0, "paid": 0, "failed": 0}
    assert got["cleeksy_outbox_pending"] == {frozenset(): 0}
    assert "cleeksy_broadcast_messages" not in got


async def test_orders_and_payments_are_counted_by_status(sessions: Sessions) -> None:
    buyer = await customer(sessions)
    first, second, third, _fourth = [await order(sessions, buyer, f"token-{n}") for n in range(4)]
    await set_status(sessions, first, "paid")
    await set_status(sessions, second, "expired")
    await set_status(sessions, third, "paid")
    await add_payment(sessions, first, "ref-1", "failed")
    await add_payment(sessions, first, "ref-2", "paid")
    await add_payment(sessions, third, "ref-3", "paid")
    metrics = Metrics()
    await metrics.refresh(sessions)
    got = scrape(metrics)
    assert by("status", got["cleeksy_orders"]) == {
        "pending": 1,
        "paid": 2,
        "expired": 1,
        "failed": 0,
        "cancelled": 0,
    }
    assert by("status", got["cleeksy_payments"]) == {"pending": 0, "paid": 2, "failed": 1}

    await set_status(sessions, _fourth, "cancelled")
    await metrics.refresh(sessions)
    orders = by("status", scrape(metrics)["cleeksy_orders"])
    assert (orders["pending"], orders["cancelled"]) == (0, 1)


async def test_outbox_messages_are_counted_per_started_broadcast(sessions: Sessions) -> None:
    person = await customer(sessions)
    sending = await add_broadcast(sessions, person, ["pending", "pending", "sent", "blocked"])
    await add_broadcast(sessions, person, [], started=False)  # a draft: nothing queued yet
    async with transaction(sessions) as s:
        s.add(outbox_message("reminder:1", person, "pending", None))  # a trial reminder
    metrics = Metrics()
    await metrics.refresh(sessions)
    got = scrape(metrics)
    b = str(sending)
    assert per_broadcast(got["cleeksy_broadcast_messages"]) == {
        (b, "pending"): 2,
        (b, "sent"): 1,
        (b, "blocked"): 1,
        (b, "failed"): 0,
        (b, "cancelled"): 0,
    }
    assert got["cleeksy_outbox_pending"] == {frozenset(): 3}


async def test_a_broadcast_pushed_out_of_the_last_ones_leaves_no_series(sessions: Sessions) -> None:
    person = await customer(sessions)
    oldest = await add_broadcast(sessions, person, ["sent"])
    metrics = Metrics()
    await metrics.refresh(sessions)
    assert {b for b, _ in per_broadcast(scrape(metrics)["cleeksy_broadcast_messages"])} == {str(oldest)}

    newer = [await add_broadcast(sessions, person, ["pending"]) for _ in range(BROADCASTS_SHOWN)]
    await metrics.refresh(sessions)
    shown = per_broadcast(scrape(metrics)["cleeksy_broadcast_messages"])
    assert {b for b, _ in shown} == {str(b) for b in newer}
    assert shown[(str(newer[-1]), "pending")] == 1
    assert len(shown) == BROADCASTS_SHOWN * 5
