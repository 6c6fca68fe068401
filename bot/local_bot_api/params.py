"""A Bot API call's parameters, however they came (query string, JSON, url-encoded or multipart
form), read with Telegram's coercions: numbers and booleans as strings, objects as JSON text,
files as multipart parts referenced by field name or by ``attach://<part>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, hdrs, web

from bot.local_bot_api.errors import BotApiError, bad_request

_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """The parameters of one call; accessors return None for an absent or empty value."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads or {})

    def __contains__(self, name: str) -> bool:
        return self._raw(name) is not None

    def summary(self) -> dict[str, Any]:
        """The values for a log of calls, uploads named rather than included."""
        out: dict[str, Any] = dict(self._values)
        out.update({name: f"<upload {upload.filename}>" for name, upload in self._uploads.items()})
        return out

    def _raw(self, name: str) -> Any:
        value = self._values.get(name)
        return None if value == "" else value

    def text(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def flag(self, name: str) -> bool:
        value = self._raw(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str, unparsable: str | None = None) -> Any:
        """A JSON-typed parameter: already decoded (JSON body) or JSON text (forms)."""
        value = self._raw(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(unparsable or f"can't parse {name} JSON object") from None

    def upload_or_id(self, name: str) -> Upload | str | None:
        """A file parameter: a new upload, or the text naming an existing file."""
        value = self._raw(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = self._uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"file of {name} not found in the request")
            return upload
        if value is None:
            return self._uploads.get(name)
        return self.text(name)


async def read_request(request: web.Request) -> Params:
    """The parameters of a Bot API HTTP request; the body's values override the query string's."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            values.update(_json_object(await request.text()))
        elif request.content_type.startswith("multipart/"):
            form_values, uploads = await read_multipart(await request.multipart())
            values.update(form_values)
        else:
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values, uploads)


def _json_object(body: str) -> dict[str, Any]:
    try:
        decoded = json.loads(body) if body.strip() else {}
    except ValueError:
        raise BotApiError(400, "Bad Request: can't parse JSON request body") from None
    if not isinstance(decoded, dict):
        raise BotApiError(400, "Bad Request: JSON request body must be an object")
    return decoded


async def read_multipart(reader: MultipartReader) -> tuple[dict[str, str], dict[str, Upload]]:
    """The text fields and the file parts of a multipart body."""
    values: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is None:
            values[part.name] = await part.text()
        else:
            data = await part.read(decode=True)
            uploads[part.name] = Upload(bytes(data), part.filename, part.headers.get(hdrs.CONTENT_TYPE))
    return values, uploads
