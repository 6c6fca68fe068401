"""Test-wide settings: hypothesis runs derandomised, so a run is the same on every machine; and
the logging set-up a test's `cleeksy-bot` command makes (bot/structured_logs.py) is undone
after it, so no test sees another's log level or handlers."""

import logging
from collections.abc import Iterator

import pytest
from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    quiet = {name: logging.getLogger(name).level for name in ("alembic", "aiogram.event")}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, quiet_level in quiet.items():
        logging.getLogger(name).setLevel(quiet_level)
