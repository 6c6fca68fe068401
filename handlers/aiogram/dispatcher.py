"""aiogram's Dispatcher of `cleeksy-bot run`: messages, edits and button taps, each copied into
the shared view and handed to the routes (handlers/update_routes.py). aiogram's FSM is off: the
conversation's state is kept in its own table (billing_core/storage/conversation_store.py), and
the FSM's middleware would build a context no handler reads, on every update."""

from __future__ import annotations

from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery, Message

from handlers.aiogram.updates import message_view, tap_view
from handlers.update_routes import Routes


def make_dispatcher(routes: Routes) -> Dispatcher:
    router = Router(name="conversation")

    @router.message()
    async def on_message(message: Message) -> None:
        await routes.on_message(message_view(message))

    @router.edited_message()
    async def on_edit(message: Message) -> None:
        await routes.on_edit(message_view(message))

    @router.callback_query()
    async def on_button(query: CallbackQuery) -> None:
        await routes.on_tap(tap_view(query))

    dispatcher = Dispatcher(disable_fsm=True)  # the conversation keeps its own state (its table)
    dispatcher.include_router(router)
    return dispatcher
