"""python-telegram-bot as the bot's framework (`BOT_FRAMEWORK=ptb`): its bot for the calls, its
Application's handlers for the updates the ordered feed hands over (`process_update`)."""

from __future__ import annotations

from functools import partial

from telegram import Update

from handlers.bot_api_json import JsonBotApi
from handlers.ordered_feed import OrderedFeed
from handlers.ptb.bot import make_application, make_request
from handlers.ptb.calls import PtbCalls
from handlers.ptb.dispatcher import route
from handlers.ptb.retries import RetryRequests
from handlers.ptb.updates import chat_key, parse_update
from handlers.retries import RetryPolicy, Sleep
from handlers.update_routes import Routes


class PtbAdapter:
    def __init__(self, token: str, api_base: str, policy: RetryPolicy, sleep: Sleep) -> None:
        self._requests = (make_request(), make_request(connections=1))
        self.application = make_application(
            token, api_base, RetryRequests(token, policy, sleep), *self._requests
        )
        self.bot = self.application.bot
        self.calls = PtbCalls(self.bot, JsonBotApi(token, api_base, policy, sleep))

    async def connect(self) -> str:
        await self.application.initialize()  # getMe, through the retries
        return self.bot.username

    def feed(self, routes: Routes) -> OrderedFeed[Update]:
        route(self.application, routes)
        return OrderedFeed(self.application.process_update, chat_key, partial(parse_update, self.bot))

    async def close(self) -> None:
        await self.calls.api.close()
        await self.application.shutdown()
        for request in self._requests:  # also when the Application never started (getMe failed)
            await request.shutdown()
