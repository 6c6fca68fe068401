"""From a position to a message: the step's screen with the refusals' reasons first, the
fixes as buttons, the step's choices, then Back / Cancel; every callback carrying the
conversation's nonce and the position."""

from __future__ import annotations

from dataclasses import replace

from billing_core.explanations import explain
from billing_core.refusals import Refusal
from conversations.callback_data import Callback
from conversations.context import Context
from conversations.effects import EditMessage, Effect, SendMessage
from conversations.fixes import fix_label
from conversations.flow import handler
from conversations.keyboards import CallbackButton, Keyboard, KeyboardButton, UrlButton
from conversations.screens import BACK, CANCEL, Choice, Link, Row, Screen
from conversations.state import State
from locales import N_, Translator

NAV = {BACK: N_("Back"), CANCEL: N_("Cancel")}
FIX = "fix"


def show(
    state: State, ctx: Context, *, via: int | None = None, note: str = "", refusals: tuple[Refusal, ...] = ()
) -> tuple[State, list[Effect]]:
    """Show the current position: edit the message tapped (`via`) or send a new one."""
    t = ctx.translator(state.locale)
    screen = handler(state.at).screen(state, ctx, state.at.subject)
    fixes = (*(r.fix for r in refusals if r.fix), *screen.fixes)
    state = replace(state, offered=fixes)
    reasons = "\n".join(explain(t, ctx.catalogue, r) for r in refusals)
    text = "\n\n".join(part for part in (reasons, note, screen.text) if part)
    rows = tuple(tuple(_button(state, b) for b in row) for row in _rows(t, ctx, state, screen))
    keyboard = Keyboard(rows) if rows else None
    if via is not None:
        return replace(state, keyboard_message_id=via), [EditMessage(via, text, keyboard)]
    return replace(state, keyboard_message_id=None), [SendMessage(text, keyboard)]


def choices(state: State, ctx: Context) -> list[Choice]:
    """Every button of the current screen (as last shown, with its fixes), for text typed as
    a button's label."""
    t = ctx.translator(state.locale)
    screen = handler(state.at).screen(state, ctx, state.at.subject)
    return [c for row in _rows(t, ctx, state, screen) for c in row if isinstance(c, Choice)]


def _rows(t: Translator, ctx: Context, state: State, screen: Screen) -> tuple[Row, ...]:
    """The fixes first (a choice with the same label as a fix is left out), then the step's
    choices, then Back / Cancel."""
    fixes = tuple(Choice(fix_label(t, ctx, state, fix), FIX, str(i)) for i, fix in enumerate(state.offered))
    taken = {fix.label for fix in fixes}
    rows = tuple(kept for row in screen.rows if (kept := tuple(c for c in row if c.label not in taken)))
    nav = tuple(Choice(t.gettext(NAV[name]), name) for name in screen.nav)
    return (*((fix,) for fix in fixes), *rows, *((nav,) if nav else ()))


def _button(state: State, item: Choice | Link) -> KeyboardButton:
    if isinstance(item, Link):
        return UrlButton(item.label, item.url)
    return CallbackButton(item.label, Callback(state.nonce, state.at.key, item.action, item.arg).pack())
