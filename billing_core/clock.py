"""The clock as everything receives it: a function giving the current aware instant. The real
one, `utc_now`, is passed in at the edges (CLI, `run`); the core never reads it by itself, so
tests fix the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
