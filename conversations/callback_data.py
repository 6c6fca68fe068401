"""Callback data: `nonce|step|action|arg`, at most 64 bytes.

The nonce names the conversation (a new one after /start, cancel or a finished purchase) and
the step names the screen, so a button from an old message or another conversation is
recognised as stale; anything that does not parse is treated as forged.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

MAX_BYTES = 64
NONCE_LENGTH = 6
_PART = re.compile(r"[A-Za-z0-9_:.\-]*")


@dataclass(frozen=True, slots=True)
class Callback:
    nonce: str
    step: str
    action: str
    arg: str = ""

    def pack(self) -> str:
        data = "|".join((self.nonce, self.step, self.action, self.arg))
        if len(data.encode()) > MAX_BYTES or not all(map(_PART.fullmatch, self.parts())):
            raise ValueError(f"callback data not packable: {data!r}")
        return data

    def parts(self) -> tuple[str, str, str, str]:
        return (self.nonce, self.step, self.action, self.arg)

    @classmethod
    def parse(cls, data: str) -> Callback | None:
        """The callback a button carries, or None for data the bot did not make."""
        if len(data.encode()) > MAX_BYTES:
            return None
        parts = data.split("|")
        if len(parts) != 4 or not all(map(_PART.fullmatch, parts)) or not all(parts[:3]):
            return None
        return cls(*parts)


def next_nonce(chat_id: int, instant: str, previous: str) -> str:
    """A new conversation's nonce: different per chat, per instant and from the previous one."""
    digest = hashlib.sha256(f"{chat_id}|{instant}|{previous}".encode()).digest()
    return base64.b32encode(digest).decode()[:NONCE_LENGTH]
