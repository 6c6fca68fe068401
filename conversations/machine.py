"""`handle(state, event, ctx) -> (state, effects)`: the purchase dialogue as a pure function.

Theory of operation. A customer event is routed to the step the state is at (`flow`):
- a button is checked first — its nonce (this conversation), its position (this step) and,
  when known, its message (the one showing this step); a stale or forged one gets a hint
  and the current step again. An entry button (conversations/entry_link.py, on a message sent
  outside the conversation, such as a trial reminder) carries no nonce: it opens its entry as
  the deep link `/start <entry>` does. Back, Cancel and the engine's fixes work on every step;
  other actions go to the step's handler;
- text is first matched against the labels of the buttons on screen ("Yearly", "Back"), then
  read by the step (a count, a phone number, a code); stickers, files and text no step can
  use get a short hint and the current step again, and count toward `misunderstood`;
- result events (CustomerLoaded, AccountLoaded, CouponLooked, OrderPlaced, TrialStarted, …)
  continue what a Wait asked for.
The step answers with an `Outcome`, turned here into the next state and the effects. Every
button tap is answered with exactly one AnswerCallback. Nothing a customer sends raises: an
unexpected error is logged and answered with an apology, the state left as it was.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from conversations.account import Account
from conversations.callback_data import Callback, next_nonce
from conversations.context import Context
from conversations.effects import AnswerCallback, Effect, SendMessage
from conversations.entry import BUY, ENTRIES, MENU_ENTRY, begin, prepared
from conversations.entry_link import entry_of
from conversations.events import (
    AccountLoaded,
    Button,
    ChangeCancelled,
    ChangeRefused,
    ChangeScheduled,
    Command,
    CouponLooked,
    CustomerEvent,
    CustomerLoaded,
    Document,
    Event,
    MessageShown,
    OrderBlocked,
    OrderPlaced,
    OrderRefusedEvent,
    Other,
    PaymentStatus,
    Start,
    Sticker,
    SupportClosed,
    SupportOpened,
    SupportUnavailable,
    Text,
    TrialRefused,
    TrialStarted,
)
from conversations.fixes import apply_fix
from conversations.flow import advance, back, detour, edit, goto, handler, next_position, restart
from conversations.outcomes import Answered, Back, Edit, Finished, Ignored, Jump, Outcome, Refused, Stay, Wait
from conversations.positions import At, Step
from conversations.render import FIX, choices, show
from conversations.screens import BACK, CANCEL
from conversations.state import Customer, State
from conversations.steps.change_confirm import (
    back_to_plan,
    change_cancelled,
    change_refused,
    change_scheduled,
)
from conversations.steps.coupon import coupon_looked
from conversations.steps.menu import INVOICES, PLAN, open_account, support
from conversations.steps.payment import order_not_placed, order_placed, payment_status
from conversations.support import during_support, support_closed, support_opened, support_unavailable
from conversations.support_request import MISUNDERSTOOD_LIMIT, asks_for_person, open_support
from conversations.trial_offer import trial_refused, trial_started
from locales import SUPPORTED

log = logging.getLogger(__name__)

Result = tuple[State, list[Effect]]


def handle(state: State, event: Event, ctx: Context) -> tuple[State, tuple[Effect, ...]]:
    """The next state and what the bot should do, for one event."""
    if not state.nonce:
        state = replace(state, nonce=next_nonce(ctx.chat_id, ctx.clock.now().isoformat(), ""))
    try:
        new, effects = _dispatch(state, event, ctx)
    except Exception:
        if ctx.strict:
            raise
        log.exception("conversation of chat %s failed on %s", ctx.chat_id, type(event).__name__)
        return state, tuple(_sorry(state, event, ctx))
    return new, tuple(effects)


def _dispatch(state: State, event: Event, ctx: Context) -> Result:
    if state.support is not None and isinstance(event, CustomerEvent):
        return during_support(state, ctx, event)
    match event:
        case MessageShown(message_id=message_id):
            return replace(state, keyboard_message_id=message_id), []
        case Start(payload=payload):
            return _start(state, ctx, payload)
        case Command(name=name, args=args):
            return _command(state, ctx, name, args)
        case Button():
            return _button(state, ctx, event)
        case Text(text=text):
            return _text(state, ctx, text)
        case Document() | Sticker() | Other():
            return _misunderstood(state, ctx)
        case CustomerLoaded():
            return _customer_loaded(state, ctx, event)
        case AccountLoaded(account=account):
            return _account_loaded(state, ctx, account)
        case TrialStarted():
            return _apply(state, trial_started(state, ctx, event), ctx)
        case TrialRefused():
            return _apply(state, trial_refused(state, ctx), ctx)
        case CouponLooked():
            return _apply(state, coupon_looked(state, ctx, event), ctx)
        case OrderPlaced():
            return _apply(state, order_placed(state, ctx, event), ctx)
        case OrderRefusedEvent() | OrderBlocked():
            return _apply(state, order_not_placed(state, ctx, event), ctx)
        case PaymentStatus():
            return _apply(state, payment_status(state, ctx, event), ctx)
        case SupportOpened():
            return support_opened(state, ctx, event)
        case SupportUnavailable():
            return support_unavailable(state, ctx)
        case SupportClosed():
            return support_closed(state, ctx, event)
        case ChangeScheduled():
            return _apply(state, change_scheduled(state, ctx, event), ctx)
        case ChangeRefused():
            return _apply(state, change_refused(state, ctx, event), ctx)
        case ChangeCancelled():
            return _apply(state, change_cancelled(state, ctx, event), ctx)
    raise TypeError(f"not an event: {event!r}")


def _apply(before: State, outcome: Outcome, ctx: Context, via: int | None = None) -> Result:
    """The next state and effects for a step's outcome; `via` is the message tapped."""
    match outcome:
        case Answered(state=state, note=note):
            return show(advance(before, _understood(state), ctx), ctx, via=via, note=note)
        case Refused(state=state, refusals=refusals):
            return show(_understood(state), ctx, via=via, refusals=refusals)
        case Stay(state=state, note=note, effects=effects, understood=False):
            not_understood, sent = _misunderstood(state, ctx, note)
            return not_understood, [*sent, *effects]
        case Stay(state=state, note=note, effects=effects):
            shown, sent = show(_understood(state), ctx, via=via, note=note)
            return shown, [*sent, *effects]
        case Ignored():
            return before, []
        case Wait(state=state, effects=effects, note=note):
            return _understood(state), [*([SendMessage(note)] if note else []), *effects]
        case Jump(state=state, to=to, effects=effects, remember=remember, show=visible):
            moved = detour(_understood(state), to) if remember else replace(_understood(state), at=to)
            if not visible:
                return moved, list(effects)
            shown, sent = show(moved, ctx, via=via)
            return shown, [*sent, *effects]
        case Back(state=state, effects=effects):
            shown, sent = show(back(_understood(state)), ctx, via=via)
            return shown, [*sent, *effects]
        case Edit(steps=steps):
            return show(edit(_understood(before), steps, ctx), ctx, via=via)
        case Finished(note=note, effects=effects):
            shown, sent = show(restart(before, ctx), ctx, via=via, note=note)
            return shown, [*sent, *effects]
    raise TypeError(f"not an outcome: {outcome!r}")


def _button(state: State, ctx: Context, event: Button) -> Result:
    callback = Callback.parse(event.data)
    entry = entry_of(callback) if callback is not None else None
    if entry is not None:
        return _entry_button(state, ctx, entry)
    if callback is not None and _confirmed_again(state, callback):
        new, effects = _confirm_again(state, ctx)
        return new, [AnswerCallback(), *effects]
    if (
        callback is None
        or callback.nonce != state.nonce
        or callback.step != state.at.key
        or (state.keyboard_message_id is not None and event.message_id != state.keyboard_message_id)
    ):
        return _stale(state, ctx)
    outcome = _choose(state, ctx, callback.action, callback.arg)
    if outcome is None:
        return _stale(state, ctx)
    new, effects = _apply(state, outcome, ctx, via=event.message_id)
    return new, [AnswerCallback(), *effects]


def _entry_button(state: State, ctx: Context, entry: str) -> Result:
    """An entry button from outside the conversation: a new purchase at `entry`, as its deep
    link opens; an entry this version does not know is treated as a forged button."""
    if entry not in ENTRIES:
        return _stale(state, ctx)
    new, effects = _start(state, ctx, entry)
    return new, [AnswerCallback(), *effects]


def _choose(state: State, ctx: Context, action: str, arg: str) -> Outcome | None:
    """What a button's action does at the current position (None: not one of its buttons)."""
    if action == BACK:
        return Back(state)
    if action == CANCEL:
        return _cancel(state, ctx)
    step = handler(state.at)
    if action == FIX:
        if not arg.isdigit() or int(arg) >= len(state.offered):
            return None
        return step.after_fix(apply_fix(state, ctx, state.offered[int(arg)]), ctx, state.at.subject)
    return step.on_choice(state, ctx, state.at.subject, action, arg)


def _text(state: State, ctx: Context, text: str) -> Result:
    if asks_for_person(ctx, text):
        return _apply(state, open_support(state, "words"), ctx)
    typed = _fold(text)
    label = next((c for c in choices(state, ctx) if typed and _fold(c.label) == typed), None)
    outcome = (
        _choose(state, ctx, label.action, label.arg)
        if label is not None
        else handler(state.at).on_text(state, ctx, state.at.subject, text)
    )
    return _misunderstood(state, ctx) if outcome is None else _apply(state, outcome, ctx)


def _fold(label: str) -> str:
    """A label as typed: case, marks such as "🔒 " or "✓ " and spacing do not matter."""
    kept = "".join(
        ch for ch in unicodedata.normalize("NFC", label.casefold()) if ch.isalnum() or ch.isspace()
    )
    return " ".join(kept.split())


def _stale(state: State, ctx: Context) -> Result:
    t = ctx.translator(state.locale)
    new, effects = show(
        state, ctx, note=t.gettext("That button belongs to an earlier message. Here is where we are now:")
    )
    return new, [AnswerCallback(t.gettext("This button is no longer active.")), *effects]


def _misunderstood(state: State, ctx: Context, hint: str = "") -> Result:
    """Input the bot could not use: the hint and the step again; the third in a row
    hands the customer to a person (conversations/support_request.py)."""
    t = ctx.translator(state.locale)
    counted = replace(state, misunderstood=state.misunderstood + 1)
    if counted.misunderstood >= MISUNDERSTOOD_LIMIT:
        note = t.gettext(
            "Sorry, I still do not understand. I am passing you to a member of our support team."
        )
        return _apply(counted, open_support(counted, "misunderstood", note), ctx)
    hint = hint or t.gettext("Sorry, I did not understand that. Please use the buttons below.")
    return show(counted, ctx, note=hint)


def _understood(state: State) -> State:
    return replace(state, misunderstood=0) if state.misunderstood else state


def _confirmed_again(state: State, callback: Callback) -> bool:
    """A second tap on "confirm" once the order is on its way (Telegram may deliver both)."""
    return (
        callback.nonce == state.nonce
        and callback.step == Step.REVIEW.value
        and callback.action == "confirm"
        and state.at.step in (Step.PLACING, Step.PAYMENT)
    )


def _confirm_again(state: State, ctx: Context) -> Result:
    """The same order again: its payment message, or the same PlaceOrder (same client token)."""
    if state.at.step is Step.PAYMENT:
        return show(state, ctx)
    return _apply(state, handler(state.at).on_choice(state, ctx, "", "retry", "") or Ignored(), ctx)


def _cancel(state: State, ctx: Context) -> Outcome:
    t = ctx.translator(state.locale)
    if state.at.step is Step.MENU:
        return Stay(state, t.gettext("There is nothing to cancel."))
    if state.at.step in CHANGE_STEPS:
        return back_to_plan(state, t.gettext("Nothing was changed: your plan continues as it is."))
    return Finished(t.gettext("Your order was cancelled. You can start again at any time."))


def _start(state: State, ctx: Context, payload: str) -> Result:
    """/start (or a deep link): a new conversation; the customer is loaded first."""
    entry = payload.strip().lower()
    fresh = restart(state, ctx)
    return _apply(fresh, begin(fresh, entry if entry in ENTRIES else MENU_ENTRY), ctx)


def _customer_loaded(state: State, ctx: Context, event: CustomerLoaded) -> Result:
    customer = Customer(
        event.holdings,
        event.trial_activated_seats,
        event.billing,
        event.vat,
        event.trials,
        event.renewal_mode,
        event.addons,
        event.renewing,
        event.renewed,
    )
    locale = event.language if event.language in SUPPORTED else state.locale
    loaded = replace(state, customer=customer, locale=locale, pending_entry=None)
    entry = state.pending_entry
    if entry is None:
        return loaded, []
    if entry == MENU_ENTRY:
        return show(replace(loaded, at=At(Step.MENU), history=()), ctx)
    ready, at = next_position(prepared(loaded, ctx, entry), ctx)
    return show(replace(ready, at=at), ctx)


ACCOUNT_SCREENS = {PLAN: Step.MY_PLAN, INVOICES: Step.INVOICES}
CHANGE_STEPS = (Step.CHANGE, Step.CHANGE_VALUE, Step.SURVEY, Step.CHANGE_CONFIRM)


def _account_loaded(state: State, ctx: Context, account: Account) -> Result:
    screen = ACCOUNT_SCREENS.get(state.pending_entry or "")
    loaded = replace(state, account=account, pending_entry=None)
    return (loaded, []) if screen is None else show(goto(loaded, At(screen)), ctx)


def _command(state: State, ctx: Context, name: str, args: str) -> Result:
    if name == "start":
        return _start(state, ctx, args)
    command = COMMANDS.get(name.lower())
    return _misunderstood(state, ctx) if command is None else _apply(state, command(state, ctx), ctx)


def _help(state: State, ctx: Context) -> Outcome:
    t = ctx.translator(state.locale)
    return Stay(
        state,
        t.gettext(
            "Use the buttons below, or type /start to begin again, /cancel to stop, "
            "/language to change the language, /support to talk to a person."
        ),
    )


COMMANDS: dict[str, Callable[[State, Context], Outcome]] = {
    "buy": lambda state, ctx: begin(state, BUY),
    "cancel": _cancel,
    "help": _help,
    "language": lambda state, ctx: Jump(state, At(Step.LANGUAGE)),
    "menu": lambda state, ctx: Jump(state, At(Step.MENU)),
    "plan": lambda state, ctx: open_account(state, PLAN),
    "invoices": lambda state, ctx: open_account(state, INVOICES),
    "support": support,
}


def _sorry(state: State, event: Event, ctx: Context) -> list[Effect]:
    t = ctx.translator(state.locale)
    sorry = SendMessage(
        t.gettext("Sorry, something went wrong on our side. Please try again, or type /start.")
    )
    return [AnswerCallback(), sorry] if isinstance(event, Button) else [sorry]
