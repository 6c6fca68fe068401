"""A customer's support ticket, once open (conversation.md "Support agents: handoff").

A ticket opens for the reasons in conversations/support_request.py. While it is open
(`State.support`) every message the customer sends is copied to the agents (RelayToSupport) and
the bot answers nothing itself; a tap on an older button gets a short hint, except "Back to the
assistant", which ends the ticket from the customer's side. When the ticket ends, the bot shows
the step the conversation was at, as a new message (the last screen is far up the chat by then).
"""

from __future__ import annotations

from dataclasses import replace

from conversations.callback_data import Callback
from conversations.context import Context
from conversations.effects import AnswerCallback, Effect, LeaveSupport, RelayToSupport, SendMessage
from conversations.events import Button, CustomerEvent, SupportClosed, SupportOpened
from conversations.keyboards import CallbackButton, Keyboard
from conversations.render import show
from conversations.state import State

Result = tuple[State, list[Effect]]

SUPPORT_KEY = "support"  # the callback "step" of the button shown with an open ticket
LEAVE = "leave"


def during_support(state: State, ctx: Context, event: CustomerEvent) -> Result:
    """A customer event while their ticket is open: the agents get it, the bot stays silent."""
    assert state.support is not None
    if not isinstance(event, Button):
        return state, (
            [RelayToSupport(event.message_id, event.reply_to)] if event.message_id is not None else []
        )
    callback = Callback.parse(event.data)
    t = ctx.translator(state.locale)
    if callback is not None and callback.nonce == state.nonce and callback.action == LEAVE:
        back = t.gettext("You are back with the assistant. Here is where we were:")
        resumed, effects = _resume(state, ctx, back)
        return resumed, [AnswerCallback(), LeaveSupport(state.support), *effects]
    hint = t.gettext("You are talking with our support team. Write your message here.")
    return state, [AnswerCallback(hint)]


def support_opened(state: State, ctx: Context, event: SupportOpened) -> Result:
    t = ctx.translator(state.locale)
    text = t.gettext(
        "A member of our support team will answer you here. Write your question; "
        "tap the button below to go back to the assistant."
    )
    leave = Callback(state.nonce, SUPPORT_KEY, LEAVE).pack()
    keyboard = Keyboard(((CallbackButton(t.gettext("Back to the assistant"), leave),),))
    return replace(state, support=event.ticket_id, misunderstood=0), [SendMessage(text, keyboard)]


def support_unavailable(state: State, ctx: Context) -> Result:
    t = ctx.translator(state.locale)
    note = t.gettext("Our support team cannot be reached from here right now. Please try again later.")
    return show(replace(state, misunderstood=0), ctx, note=note)


def support_closed(state: State, ctx: Context, event: SupportClosed) -> Result:
    if state.support is None or (event.ticket_id is not None and event.ticket_id != state.support):
        return state, []  # an older ticket, or one the customer already left
    t = ctx.translator(state.locale)
    return _resume(state, ctx, t.gettext("Our support team has closed this conversation. Let's continue:"))


def _resume(state: State, ctx: Context, note: str) -> Result:
    return show(replace(state, support=None, misunderstood=0), ctx, note=note)
