"""The python-telegram-bot 22 adapter (`BOT_FRAMEWORK=ptb`): updates in, Bot API calls out, over
the same conversation core as the aiogram adapter.

Importing it opts this process into python-telegram-bot's durations as `datetime.timedelta`
(`PTB_TIMEDELTA`, its documented switch): without it, every 429 raises a deprecation warning
from inside the library (`RetryAfter.retry_after` as an int), which the tests treat as an error.
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
