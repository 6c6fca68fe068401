"""The purchase flow, as one table read top to bottom, and how the conversation moves in it.

Theory of operation. A purchase is the list of stages below; a stage may be asked once per
subject (the tier of each solution in the cart, each billing field). `State.done` holds the
keys answered so far (or passed because not needed). After an answer the conversation goes to
the *first* position, from the top, that is not done or whose answer is missing — so:
- the normal order falls out of the table;
- an entry point ("add_seats") marks what it prefilled as done and lands further down;
- an edit from the review forgets its steps and, once they are answered again, the first
  position still open is the review itself;
- when the cart's solutions or cycles change, the months (Y6) and the P2 choice are
  forgotten, asked again if they now apply, and cleared if they do not.
A stage that is not needed (add-ons without a workspace, months for a yearly plan) is passed:
its answer is cleared and its key marked done, so its test runs once. `history` lists the
positions shown, for Back; coming back to one truncates it there, so it never loops.
`python -m conversations.diagram` prints this table as a Mermaid diagram (conversations/FLOW.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from conversations.callback_data import next_nonce
from conversations.context import Context
from conversations.positions import At, Step
from conversations.state import MAX_HISTORY, Cart, State
from conversations.steps.addons import AddonsStep, addons_apply
from conversations.steps.base import Handler
from conversations.steps.billing import BILLING_STEP, SavedBillingStep, billing_fields, has_saved_billing
from conversations.steps.change_confirm import ConfirmChangeStep
from conversations.steps.coupon import CouponStep
from conversations.steps.cycle import CycleStep
from conversations.steps.invoices import InvoicesStep
from conversations.steps.language import LanguageStep
from conversations.steps.menu import MenuStep
from conversations.steps.months import MonthsStep, clear_months, months_offered
from conversations.steps.my_plan import MyPlanStep
from conversations.steps.payment import PaymentStep, PlacingStep
from conversations.steps.plan_change import ChangeStep, ChangeValueStep
from conversations.steps.proration import ProrationStep, clear_proration, proration_offered
from conversations.steps.renewal import RenewalStep
from conversations.steps.review import ReviewStep
from conversations.steps.seats import SeatsStep, seated_solutions
from conversations.steps.solution import SolutionStep
from conversations.steps.survey import SurveyStep
from conversations.steps.tier import TierStep
from conversations.steps.vat import INVOICE_STEP, VatStep, invoice_fields

Subjects = Callable[[State, Context], tuple[str, ...]]


def _one(state: State, ctx: Context) -> tuple[str, ...]:
    return ("",)


def _always(state: State, ctx: Context) -> bool:
    return True


def _visited(state: State, subject: str) -> bool:
    return True


def _solutions(state: State, ctx: Context) -> tuple[str, ...]:
    return state.cart.solutions


def _line_has(attribute: str) -> Callable[[State, str], bool]:
    def answered(state: State, subject: str) -> bool:
        line = state.cart.line(subject)
        return line is not None and getattr(line, attribute) is not None

    return answered


@dataclass(frozen=True, slots=True)
class Stage:
    step: Step
    handler: Handler
    subjects: Subjects = _one
    needed: Callable[[State, Context], bool] = _always
    answered: Callable[[State, str], bool] = _visited
    clear: Callable[[State], State] = lambda state: state

    @property
    def per_subject(self) -> bool:
        return self.subjects is not _one

    @property
    def conditional(self) -> bool:
        return self.needed is not _always


PURCHASE: tuple[Stage, ...] = (
    Stage(Step.SOLUTION, SolutionStep(), answered=lambda s, _: bool(s.cart.lines)),
    Stage(Step.TIER, TierStep(), _solutions, answered=_line_has("tier")),
    Stage(Step.SEATS, SeatsStep(), seated_solutions, answered=_line_has("seats")),
    Stage(Step.ADDONS, AddonsStep(), needed=addons_apply),
    Stage(Step.CYCLE, CycleStep(), answered=lambda s, _: all(x.cycle for x in s.cart.lines)),
    # Done when answered or passed; forgotten (and cleared) when solutions or cycles change.
    Stage(Step.MONTHS, MonthsStep(), needed=months_offered, clear=clear_months),
    Stage(Step.PRORATION, ProrationStep(), needed=proration_offered, clear=clear_proration),
    Stage(Step.COUPON, CouponStep()),
    Stage(Step.SAVED_BILLING, SavedBillingStep(), needed=has_saved_billing),
    Stage(Step.BILLING, BILLING_STEP, billing_fields, answered=lambda s, key: s.value(key) is not None),
    Stage(Step.VAT, VatStep(), answered=lambda s, _: s.wants_vat is not None),
    Stage(Step.INVOICE, INVOICE_STEP, invoice_fields, answered=lambda s, key: s.value(key) is not None),
    Stage(Step.RENEWAL, RenewalStep(), answered=lambda s, _: s.cart.renewal is not None),
    Stage(Step.REVIEW, ReviewStep(), answered=lambda s, _: False),
)
ASIDE: dict[Step, Handler] = {
    Step.MENU: MenuStep(),
    Step.LANGUAGE: LanguageStep(),
    Step.MY_PLAN: MyPlanStep(),
    Step.CHANGE: ChangeStep(),
    Step.CHANGE_VALUE: ChangeValueStep(),
    Step.SURVEY: SurveyStep(),
    Step.CHANGE_CONFIRM: ConfirmChangeStep(),
    Step.INVOICES: InvoicesStep(),
    Step.PLACING: PlacingStep(),
    Step.PAYMENT: PaymentStep(),
}
HANDLERS: dict[Step, Handler] = {stage.step: stage.handler for stage in PURCHASE} | ASIDE
STAGES: dict[Step, Stage] = {stage.step: stage for stage in PURCHASE}
SHAPE_DEPENDENT = (Step.MONTHS, Step.PRORATION)  # asked again when solutions or cycles change


def handler(at: At) -> Handler:
    return HANDLERS[at.step]


def next_position(state: State, ctx: Context) -> tuple[State, At]:
    """The first position from the top still to answer (stages not needed are passed)."""
    for stage in PURCHASE:
        for subject in stage.subjects(state, ctx):
            key = At(stage.step, subject).key
            if key in state.done and stage.answered(state, subject):
                continue
            if not stage.needed(state, ctx):
                cleared = stage.clear(state)
                state = replace(cleared, done=cleared.done | {key})
                continue
            return state, At(stage.step, subject)
    raise AssertionError("the review is always open")


def goto(state: State, at: At) -> State:
    """Move on to `at`; coming back to a position already in the history cuts it there."""
    history = state.history
    if at.key in history:
        history = history[: history.index(at.key)]
    elif state.at != at:
        history = (*history, state.at.key)
    return replace(state, at=at, history=history[-MAX_HISTORY:])


def detour(state: State, at: At) -> State:
    """Step aside to `at` (an edit, the menu, the language); Back comes back here."""
    return replace(state, at=at, history=(*state.history, state.at.key)[-MAX_HISTORY:])


def advance(before: State, after: State, ctx: Context) -> State:
    """`after` answers its position: mark it done and go to the next position still open."""
    state = replace(after, done=after.done | {after.at.key})
    if _shape(before.cart) != _shape(state.cart):
        state = forget(state, SHAPE_DEPENDENT, clear=True)
    state, at = next_position(state, ctx)
    return goto(state, at)


def forget(state: State, steps: tuple[Step, ...], *, clear: bool = False) -> State:
    """Take `steps` out of what is done, so they are asked again (if needed); `clear` drops
    their answers too."""
    if clear:
        for step in steps:
            state = STAGES[step].clear(state)
    return replace(state, done=frozenset(k for k in state.done if At.parse(k).step not in steps))


def edit(state: State, steps: tuple[Step, ...], ctx: Context) -> State:
    """Ask `steps` again from the review; Back returns to the review."""
    state, at = next_position(forget(state, steps), ctx)
    return detour(state, at)


def back(state: State) -> State:
    if not state.history:
        return replace(state, at=At(Step.MENU))
    return replace(state, at=At.parse(state.history[-1]), history=state.history[:-1])


def restart(state: State, ctx: Context) -> State:
    """A new conversation at the menu: a new nonce makes every older button stale."""
    return State(
        locale=state.locale,
        nonce=next_nonce(ctx.chat_id, ctx.clock.now().isoformat(), state.nonce),
        customer=state.customer,
        support=state.support,  # a ticket outlives a purchase
    )


def _shape(cart: Cart) -> tuple[tuple[str, object], ...]:
    return tuple((x.solution, x.cycle) for x in cart.lines)
