"""Step 5: add-ons ("Dung lượng mở rộng", C4): − / + per block, then Done. Asked when the
order has the workspace or the customer's workspace is running (add-ons extend it, D1)."""

from __future__ import annotations

from dataclasses import replace

from billing_core.rules import MAX_QUANTITY
from conversations.cart_quote import refusals_for
from conversations.context import Context
from conversations.outcomes import Answered, Ignored, Outcome, Stay
from conversations.phrases import money, number
from conversations.screens import Choice, Row, Screen
from conversations.state import State
from conversations.steps.base import Handler

STEP_BY = {"inc": 1, "dec": -1}


def addons_apply(state: State, ctx: Context) -> bool:
    """Whether add-ons can join this order: the engine would take one block (D1/D2 decide)."""
    if not ctx.catalogue.addons:
        return False
    first = min(ctx.catalogue.addons.values(), key=lambda a: a.order).id
    one_block = replace(state, cart=replace(state.cart, addons=((first, 1),)))
    return not refusals_for(one_block, ctx, {"addons"})


class AddonsStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        addons = sorted(ctx.catalogue.addons.values(), key=lambda a: a.order)
        text = [t.gettext("Add-ons (optional): tap + or − to change the number of blocks, then Done.")]
        rows: list[Row] = []
        for addon in addons:
            name = t.gettext(addon.name)
            text.append(
                t.gettext("• {addon}: {price} per month for each block of {block}").format(
                    addon=name, price=money(t, addon.price_per_block_month), block=t.gettext(addon.block)
                )
            )
            count = t.gettext("{addon}: {count}").format(
                addon=name, count=number(t, state.cart.blocks(addon.id))
            )
            rows.append(
                (Choice("−", "dec", addon.id), Choice(count, "noop", addon.id), Choice("+", "inc", addon.id))
            )
        rows.append((Choice(t.gettext("Done"), "done"),))
        return Screen("\n".join(text), tuple(rows))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action == "done":
            return Answered(state)
        if arg not in ctx.catalogue.addons or action not in (*STEP_BY, "noop"):
            return None
        if action == "noop":
            return Ignored()
        count = min(max(state.cart.blocks(arg) + STEP_BY[action], 0), MAX_QUANTITY)
        return Stay(replace(state, cart=state.cart.with_blocks(arg, count)))
