"""The ids a log line is about (the update, the chat, the order), bound for a stretch of code.

They live in context variables, so each asyncio task sees those bound where it was created and
its own; bot/structured_logs.py writes them on every line logged meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

__all__ = ["bound", "current"]

_IDS: dict[str, ContextVar[int | None]] = {
    name: ContextVar(f"cleeksy_{name}", default=None) for name in ("update_id", "chat_id", "order_id")
}


@contextmanager
def bound(
    *, update_id: int | None = None, chat_id: int | None = None, order_id: int | None = None
) -> Iterator[None]:
    """Bind the ids given (None leaves one as it is) until the block ends."""
    given = {"update_id": update_id, "chat_id": chat_id, "order_id": order_id}
    tokens: list[tuple[ContextVar[int | None], Token[int | None]]] = [
        (_IDS[name], _IDS[name].set(value)) for name, value in given.items() if value is not None
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, int]:
    """The ids bound here, in the order update_id, chat_id, order_id."""
    return {name: value for name, var in _IDS.items() if (value := var.get()) is not None}
