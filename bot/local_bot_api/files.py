"""Files kept in memory: ids, paths for ``/file/bot<token>/<path>``, and image sizes of photos."""

from __future__ import annotations

import mimetypes
import struct
from itertools import count

from bot.local_bot_api.models import FileKind, StoredFile

STICKER_SIDE = 512
_FOLDERS = {
    FileKind.DOCUMENT: "documents",
    FileKind.PHOTO: "photos",
    FileKind.VOICE: "voice",
    FileKind.STICKER: "stickers",
}
_DEFAULT_EXTENSIONS = {FileKind.PHOTO: ".jpg", FileKind.VOICE: ".oga", FileKind.STICKER: ".webp"}


class FileStore:
    """Every file the bot or a person sent, by file_id and by file_path."""

    def __init__(self) -> None:
        self._numbers = count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(
        self,
        kind: FileKind,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
        duration: int = 0,
        emoji: str | None = None,
    ) -> StoredFile:
        number = next(self._numbers)
        extension = _extension(kind, file_name, mime_type)
        stored = StoredFile(
            file_id=f"{kind.value}-{number}",
            file_unique_id=f"unique-{number}",
            kind=kind,
            data=data,
            file_path=f"{_FOLDERS[kind]}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type or (mimetypes.guess_type(file_name)[0] if file_name else None),
            width=width,
            height=height,
            duration=duration,
            emoji=emoji,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def _extension(kind: FileKind, file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    guessed = mimetypes.guess_extension(mime_type) if mime_type else None
    return guessed or _DEFAULT_EXTENSIONS.get(kind, "")


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image; None when ``data`` is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + int(length)
    return None
