"""Every Bot API call the bot makes, retried when Telegram says "later" or the network hiccups;
each adapter runs its framework's calls through `retrying` at the framework's one seam for it
(aiogram: a session middleware; python-telegram-bot: the bot's rate limiter), and the calls made
straight as JSON go through it too (handlers/bot_api_json.py), so no call site needs its own
try/except:

- 429 Too Many Requests: wait the `retry_after` Telegram gives, then try again; a wait longer
  than `max_retry_after` is not waited out (the chat's lock would be held that long) and the
  error goes to the caller;
- a network error, a 5xx, or an answer that is not the Bot API's JSON (a proxy's HTML error
  page): try again after a short backoff that doubles each time, up to `max_backoff`;
- anything else (400, 403, 404, 409, 413 too large) is the caller's to handle, at once.

At most `attempts` tries in all. The sleep is injected, so tests wait on a clock they hold.
Every failed try is reported to `policy.report` with its HTTP code (0: no answer), for the
Bot API errors metric (handlers/metrics.py).
A call whose answer was lost on the way back (a timeout) may be done twice by its retry:
Telegram has no idempotency key for sendMessage, and a message shown twice is better than a
turn lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Trouble:
    """A failed call that may work if tried again."""

    reason: str
    retry_after: float | None = None
    """429: the seconds Telegram asks to wait; None for a network or server error."""


Classify = Callable[[Exception], Trouble | None]
"""An adapter's reading of its framework's error: a Trouble, or None when trying again is useless."""
ErrorCode = Callable[[Exception], int]
"""An adapter's reading of its framework's error as the HTTP code Telegram gave (0: none)."""


def nobody_counts(code: int) -> None:
    """No metrics kept."""


def no_code(error: Exception) -> int:
    return 0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    """Tries in all, the first included."""
    backoff: float = 0.5
    """Seconds before the first retry after a network or server error; doubled each time."""
    max_backoff: float = 4.0
    max_retry_after: float = 30.0
    """The longest flood wait (429) waited out; a longer one fails the call."""
    report: Callable[[int], None] = nobody_counts
    """Told each failed try's code (the Bot API errors metric)."""

    def wait(self, trouble: Trouble, attempt: int) -> float | None:
        """Seconds to wait after try number `attempt` failed with `trouble`, or None to give up."""
        if attempt >= self.attempts:
            return None
        if trouble.retry_after is not None:
            return trouble.retry_after if trouble.retry_after <= self.max_retry_after else None
        return min(self.backoff * 2.0 ** (attempt - 1), self.max_backoff)


async def retrying(
    call: Callable[[], Awaitable[T]],
    classify: Classify,
    *,
    policy: RetryPolicy,
    sleep: Sleep,
    method: str,
    token: str,
    code: ErrorCode = no_code,
) -> T:
    """`call()`'s result, tried again as `policy` says; the last error reaches the caller.
    Each retry is logged with the method's name and the reason, the bot's token left out."""
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as error:
            policy.report(code(error))
            wait = _pause(classify(error), policy, attempt, method, token)
            if wait is None:
                raise
        await sleep(wait)
        attempt += 1


def _pause(
    trouble: Trouble | None, policy: RetryPolicy, attempt: int, method: str, token: str
) -> float | None:
    """The wait before the next try (logged), or None to give up."""
    wait = policy.wait(trouble, attempt) if trouble is not None else None
    if trouble is not None and wait is not None:
        reason = trouble.reason.replace(token, "<token>").replace("\n", " ")
        log.info("%s: %s; retry %d of %d in %.1f s", method, reason, attempt, policy.attempts - 1, wait)
    return wait
