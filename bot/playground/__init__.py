"""`cleeksy-bot playground`: the whole product on this machine, tried in a browser.

One process serves, on loopback ports: the local Bot API server (:mod:`bot.local_bot_api`) with
the web chat page on the same origin (:mod:`.web`, :mod:`.static`), the bot as `cleeksy-bot run`
starts it (:func:`bot.runtime.running`, talking to that server over HTTP), its IPN/return
server, and the VNPAY stand-in (:mod:`bot.vnpay_sandbox`). :mod:`.demo` seeds a fresh
database and the local Telegram; :mod:`.launch` starts and stops it all.
"""

from bot.playground.demo import DEMO_COUPON, Demo
from bot.playground.launch import Playground, playground

__all__ = ["DEMO_COUPON", "Demo", "Playground", "playground"]
