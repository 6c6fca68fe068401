"""Bot API methods straight as JSON over keep-alive connections (handlers/keep_alive_http.py),
with no bot framework between: the calls made on every update and getUpdates
(handlers/json_calls.py), and the outbox's sendMessage (handlers/http_outbound.py).

A framework's call builds its method and result as typed models: through aiogram a
sendMessage with a keyboard cost about 0.66 ms of CPU, 0.3 ms as plain JSON over aiohttp's
client, 0.1 ms over handlers/keep_alive_http.py (bench/updates.py, README). The answer is
read as the Bot API's JSON: `ok` and `result`, or `error_code`, `description` and
`parameters.retry_after`.

- `answer(method, params)`: one try, Telegram's answer as it came; a network error, a timeout
  or an answer that is not the Bot API's JSON raises `BotApiFailure` (code 0, or the HTTP
  status of the page that came instead).
- `call(method, params)`: the method's `result`, retried as handlers/retries.py's policy says
  (429 after its retry_after, a 5xx or no answer after a backoff); a refusal raised as
  handlers/bot_calls.py's (400 `BadRequest`, 401 `Unauthorized`, 403 `Forbidden`); anything
  else, or a trouble that outlasted the retries, as `BotApiFailure`.

The token never appears in an error's text.
"""

from __future__ import annotations

import asyncio
import json
from functools import partial
from typing import Any

from handlers.bot_calls import BadRequest, CallRefused, Forbidden, Unauthorized
from handlers.keep_alive_http import HttpFailure, KeepAliveClient
from handlers.retries import RetryPolicy, Sleep, Trouble, retrying

TIMEOUT = 30.0  # seconds for one call in all, unless the call says otherwise (a long poll)
REFUSALS: dict[int, type[CallRefused]] = {400: BadRequest, 401: Unauthorized, 403: Forbidden}


class BotApiFailure(Exception):
    """A call that did not go through: Telegram's error (`code`, its `description`, and for a
    429 its `retry_after`), or no Bot API answer at all (`answered` false; code 0, or the HTTP
    status of the page that came instead)."""

    def __init__(
        self, code: int, description: str, retry_after: float | None = None, *, answered: bool = True
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.answered = answered


def trouble_of(error: Exception) -> Trouble | None:
    """A failure worth trying again: a flood wait, a server error, or no answer."""
    if not isinstance(error, BotApiFailure):
        return None
    if error.code == 429:
        return Trouble(error.description, error.retry_after if error.retry_after is not None else 1.0)
    if not error.answered or error.code >= 500:
        return Trouble(error.description)
    return None


def code_of(error: Exception) -> int:
    """The HTTP code Telegram gave (0: no answer)."""
    if isinstance(error, BotApiFailure):
        return error.code
    return next((code for code, kind in REFUSALS.items() if isinstance(error, kind)), 0)


class JsonBotApi:
    def __init__(
        self,
        token: str,
        api_base: str,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.token = token
        self._api_base = api_base
        self._path = f"/bot{token}/"
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._client = KeepAliveClient(api_base)  # connects at its first call

    async def answer(
        self, method: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Telegram's answer to one try of `method`, as it came (`ok` true or false); `timeout`:
        its seconds in all, if not the usual 30 (a long poll's are more)."""
        body = json.dumps(params, separators=(",", ":")).encode()
        limit = TIMEOUT if timeout is None else timeout
        try:
            reply = await self._client.post(self._path + method, body, limit)
        except HttpFailure as exc:
            raise BotApiFailure(exc.status, self.safe(str(exc)), answered=False) from None
        try:
            answer = json.loads(reply.body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "ok" not in answer:
            raise BotApiFailure(reply.status, f"not a Bot API answer (HTTP {reply.status})", answered=False)
        return answer

    async def call(self, method: str, params: dict[str, Any], timeout: float | None = None) -> Any:
        """`method`'s result, retried as the policy says; refusals and failures raised."""
        return await retrying(
            partial(self._once, method, params, timeout),
            trouble_of,
            policy=self._policy,
            sleep=self._sleep,
            method=method,
            token=self.token,
            code=code_of,
        )

    async def _once(self, method: str, params: dict[str, Any], timeout: float | None) -> Any:
        answer = await self.answer(method, params, timeout)
        if answer["ok"]:
            return answer.get("result")
        failure = self.failure_of(answer)
        refusal = REFUSALS.get(failure.code)
        if refusal is not None:
            raise refusal(failure.description)
        raise failure

    def failure_of(self, answer: dict[str, Any]) -> BotApiFailure:
        """Telegram's refusal (`ok` false) read: its code, its description (the token left out)
        and, for a 429, its retry_after."""
        code = answer.get("error_code")
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        return BotApiFailure(
            code if isinstance(code, int) else 0,
            self.safe(str(answer.get("description", ""))),
            float(retry_after) if retry_after is not None else None,
        )

    def safe(self, text: str) -> str:
        return text.replace(self.token, "<token>")

    async def close(self) -> None:
        """Close the connections; a later call opens new ones."""
        closing, self._client = self._client, KeepAliveClient(self._api_base)
        await closing.close()
