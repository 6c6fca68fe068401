"""The handlers of the python-telegram-bot Application: messages, edits and button taps, each
copied into the shared view and handed to the routes (handlers/update_routes.py). An update
whose handling fails reaches PTB's error handler, and is logged as the feed logs it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from handlers.ordered_feed import dropped
from handlers.ptb.bot import App
from handlers.ptb.updates import message_view, tap_view
from handlers.update_routes import Routes


def route(application: App, routes: Routes) -> None:
    """Hand `application`'s updates to `routes` (once per application)."""

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await routes.on_message(message_view(update.message))

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await routes.on_edit(message_view(update.edited_message))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await routes.on_tap(tap_view(update.callback_query))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        dropped(update.update_id if isinstance(update, Update) else -1, context.error)

    application.add_handlers(
        [
            MessageHandler(filters.UpdateType.MESSAGE, on_message),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit),
            CallbackQueryHandler(on_button),
        ]
    )
    application.add_error_handler(on_error)
