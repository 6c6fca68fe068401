"""Buttons that open a purchase entry from a message sent outside the conversation (a trial
reminder, a broadcast): their callback data carries a fixed marker instead of the conversation's
nonce, so the button works whenever it is tapped, like the deep link `/start <entry>`."""

from __future__ import annotations

from conversations.callback_data import Callback

ENTRY_NONCE = "open"  # never a conversation nonce (those are 6 upper-case base32 characters)
ENTRY_STEP = "entry"


def entry_callback(entry: str) -> str:
    """The callback data of a button opening `entry` ("upgrade", "buy", …; see conversations.entry)."""
    return Callback(ENTRY_NONCE, ENTRY_STEP, entry).pack()


def entry_of(callback: Callback) -> str | None:
    """The entry an entry button opens, or None for any other button."""
    if callback.nonce == ENTRY_NONCE and callback.step == ENTRY_STEP:
        return callback.action
    return None
