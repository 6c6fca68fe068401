"""What an operator reads about a broadcast in the bot: the usage of /broadcast, the preview
and its confirmation, the progress while it is sent, and the final report (sent, blocked,
failed, how long). Counts come from the database (billing_core/storage/broadcast_store.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from conversations.keyboards import CallbackButton, Keyboard
from conversations.phrases import number
from locales import N_, Translator

BAR_WIDTH = 20
PREFIX = "bc"  # callback data of the operator's buttons: bc|<action>|<broadcast id>
SEND, DROP, PAUSE, RESUME, CANCEL = "send", "drop", "pause", "resume", "cancel"
STATUSES = {
    "draft": N_("not sent yet"),
    "sending": N_("being sent"),
    "paused": N_("paused"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
    "gone": N_("deleted"),
}


@dataclass(frozen=True, slots=True)
class Counts:
    broadcast_id: int
    segment: str
    status: str
    recipients: int
    sent: int
    blocked: int
    failed: int
    cancelled: int
    seconds: int

    @classmethod
    def from_mapping(cls, d: Mapping[str, object]) -> Counts:
        """From a report's payload (billing_core/storage/broadcast_store.py Report.to_payload)."""

        def whole(key: str) -> int:
            return int(str(d[key]))

        return cls(
            whole("broadcast_id"),
            str(d["segment"]),
            str(d["status"]),
            whole("recipients"),
            whole("sent"),
            whole("blocked"),
            whole("failed"),
            whole("cancelled"),
            whole("seconds"),
        )

    @property
    def handled(self) -> int:
        return self.sent + self.blocked + self.failed + self.cancelled


def button_data(action: str, broadcast_id: int) -> str:
    return f"{PREFIX}|{action}|{broadcast_id}"


def parse_button(data: str) -> tuple[str, int] | None:
    """(action, broadcast id) of an operator's button, or None for any other data."""
    parts = data.split("|")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def status_name(t: Translator, status: str) -> str:
    return t.gettext(STATUSES.get(status, STATUSES["gone"]))


def usage(t: Translator, segments: list[str], templates: list[str]) -> str:
    return t.gettext(
        "Send /broadcast SEGMENT TEXT, or /broadcast SEGMENT #TEMPLATE.\n"
        "Segments: {segments}.\nTemplates: {templates}."
    ).format(segments=", ".join(segments), templates=", ".join(f"#{x}" for x in templates))


def confirmation(
    t: Translator, broadcast_id: int, segment: str, reachable: int, unreachable: int
) -> tuple[str, Keyboard]:
    text = t.gettext("Send the message above to {count} customers (segment {segment})?").format(
        count=number(t, reachable), segment=segment
    )
    if unreachable:
        text += "\n" + t.gettext("{count} customers of the segment blocked the bot and are skipped.").format(
            count=number(t, unreachable)
        )
    keyboard = Keyboard(
        (
            (
                CallbackButton(t.gettext("Send"), button_data(SEND, broadcast_id)),
                CallbackButton(t.gettext("Cancel"), button_data(DROP, broadcast_id)),
            ),
        )
    )
    return text, keyboard


def nobody(t: Translator, segment: str) -> str:
    return t.gettext("No customer can be reached in segment {segment}; nothing to send.").format(
        segment=segment
    )


def progress(t: Translator, counts: Counts) -> tuple[str, Keyboard | None]:
    """The operator's progress message, with the buttons that still apply."""
    total = max(counts.recipients, 1)
    filled = BAR_WIDTH * counts.handled // total
    head = t.gettext("Broadcast #{id} (segment {segment}): {done} of {total} handled.").format(
        id=counts.broadcast_id,
        segment=counts.segment,
        done=number(t, counts.handled),
        total=number(t, counts.recipients),
    )
    lines = [head, "▓" * filled + "░" * (BAR_WIDTH - filled), _tally(t, counts)]
    if counts.status == "paused":
        lines.append(t.gettext("Paused."))
        keys = (CallbackButton(t.gettext("Resume"), button_data(RESUME, counts.broadcast_id)),)
    elif counts.status == "sending":
        keys = (CallbackButton(t.gettext("Pause"), button_data(PAUSE, counts.broadcast_id)),)
    else:
        return "\n".join(lines), None
    stop = CallbackButton(t.gettext("Cancel"), button_data(CANCEL, counts.broadcast_id))
    return "\n".join(lines), Keyboard(((*keys, stop),))


def report(t: Translator, counts: Counts) -> str:
    if counts.status == "cancelled":
        head = t.gettext("Broadcast #{id} (segment {segment}) was cancelled after {seconds} s.")
    else:
        head = t.gettext("Broadcast #{id} (segment {segment}) is finished, in {seconds} s.")
    return "\n".join(
        (
            head.format(id=counts.broadcast_id, segment=counts.segment, seconds=number(t, counts.seconds)),
            _tally(t, counts),
        )
    )


def _tally(t: Translator, counts: Counts) -> str:
    text = t.gettext("Sent: {sent} · blocked the bot: {blocked} · failed: {failed}").format(
        sent=number(t, counts.sent), blocked=number(t, counts.blocked), failed=number(t, counts.failed)
    )
    if counts.cancelled:
        text += " · " + t.gettext("not sent: {count}").format(count=number(t, counts.cancelled))
    return text
