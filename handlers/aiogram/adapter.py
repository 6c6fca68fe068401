"""aiogram as the bot's framework (`BOT_FRAMEWORK=aiogram`, the production default): its Bot
for the calls, its Dispatcher for the updates the ordered feed hands over."""

from __future__ import annotations

from functools import partial

from aiogram.types import Update

from handlers.aiogram.bot import make_bot
from handlers.aiogram.calls import AiogramCalls
from handlers.aiogram.dispatcher import make_dispatcher
from handlers.aiogram.retries import RetryRequests
from handlers.aiogram.updates import chat_key, parse_update
from handlers.bot_api_json import JsonBotApi
from handlers.ordered_feed import OrderedFeed
from handlers.retries import RetryPolicy, Sleep
from handlers.update_routes import Routes


class AiogramAdapter:
    def __init__(self, token: str, api_base: str, policy: RetryPolicy, sleep: Sleep) -> None:
        self.bot = make_bot(token, api_base, RetryRequests(policy, sleep))
        self.calls = AiogramCalls(self.bot, JsonBotApi(token, api_base, policy, sleep))

    async def connect(self) -> str:
        me = await self.bot.me()
        return me.username or ""

    def feed(self, routes: Routes) -> OrderedFeed[Update]:
        dispatcher = make_dispatcher(routes)
        return OrderedFeed(
            partial(dispatcher.feed_update, self.bot), chat_key, partial(parse_update, self.bot)
        )

    async def close(self) -> None:
        await self.calls.api.close()
        await self.bot.session.close()
