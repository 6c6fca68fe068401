"""Files both ways: multipart uploads, file_id reuse, getFile and the download URL."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from bot.local_bot_api import FileKind, LocalBotApi, User
from tests.bot.local_bot_api.conftest import Raw, ptb_bot

PDF = b"%PDF-1.4\n% invoice HD-2024-0001\n" + bytes(range(256)) * 40


def png(width: int, height: int) -> bytes:
    """A valid PNG header (enough for Telegram's size probe here)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


async def test_an_uploaded_document_downloads_with_the_same_bytes(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    sent = await bot.send_document(
        chatting.id,
        BufferedInputFile(PDF, filename="HD-2024-0001.pdf"),
        caption="Hóa đơn <b>tháng 1</b>",
        parse_mode="HTML",
    )

    assert sent.document is not None and sent.document.file_name == "HD-2024-0001.pdf"
    assert (sent.caption, sent.document.file_size) == ("Hóa đơn tháng 1", len(PDF))
    stored = server.last_bot_message(chatting)
    assert stored is not None and stored.document is not None
    assert (stored.document.data, stored.document.mime_type) == (PDF, "application/pdf")

    found = await bot.get_file(sent.document.file_id)
    assert found.file_path is not None and found.file_size == len(PDF)
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None and downloaded.read() == PDF


async def test_a_file_id_is_sent_again_without_upload(bot: Bot, server: LocalBotApi, chatting: User) -> None:
    first = await bot.send_document(chatting.id, BufferedInputFile(PDF, filename="a.pdf"))
    assert first.document is not None
    again = await bot.send_document(chatting.id, first.document.file_id)
    assert again.document is not None and again.document.file_id == first.document.file_id

    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_document(chatting.id, "no-such-file")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")


async def test_photos_are_probed_and_not_images_refused(bot: Bot, chatting: User) -> None:
    sent = await bot.send_photo(chatting.id, BufferedInputFile(png(640, 480), filename="qr.png"))
    assert sent.photo is not None and (sent.photo[-1].width, sent.photo[-1].height) == (640, 480)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(chatting.id, BufferedInputFile(b"not an image", filename="x.png"))
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo as Document"):
        await bot.send_document(chatting.id, sent.photo[-1].file_id)


async def test_the_bot_downloads_what_a_person_sent(bot: Bot, server: LocalBotApi, anna: User) -> None:
    sent = await server.send_document(anna, "scan.pdf", PDF, "application/pdf", caption="my licence")
    assert sent.document is not None
    found = await bot.get_file(sent.document.file_id)
    assert found.file_path is not None and found.file_path.endswith(".pdf")
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None and downloaded.read() == PDF


async def test_python_telegram_bot_uploads_and_downloads(server: LocalBotApi, chatting: User) -> None:
    async with ptb_bot(server) as bot:
        sent = await bot.send_document(chatting.id, io.BytesIO(PDF), filename="HD.pdf", caption="Hóa đơn")
        assert sent.document is not None and sent.document.file_name == "HD.pdf"
        found = await bot.get_file(sent.document.file_id)
        assert bytes(await found.download_as_bytearray()) == PDF
    stored = server.file(sent.document.file_id)
    assert (stored.kind, stored.file_name, stored.data) == (FileKind.DOCUMENT, "HD.pdf", PDF)


async def test_a_missing_file_is_404_and_a_wrong_token_401(raw: Raw) -> None:
    base = raw.server.base_url
    async with raw.http.get(f"{base}/file/bot{raw.server.token}/documents/none.pdf") as response:
        assert (response.status, (await response.json())["description"]) == (404, "Not Found")
    async with raw.http.get(f"{base}/file/bot1:x/documents/none.pdf") as response:
        assert response.status == 401


async def test_captions_are_edited_and_stickers_and_voices_resent(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    sent = await bot.send_document(chatting.id, BufferedInputFile(PDF, filename="a.pdf"), caption="v1")
    edited = await bot.edit_message_caption(chat_id=chatting.id, message_id=sent.message_id, caption="v2")
    assert not isinstance(edited, bool) and edited.caption == "v2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(chat_id=chatting.id, message_id=sent.message_id, caption="v2")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=chatting.id, message_id=sent.message_id)

    sticker = await server.send_sticker(chatting, "🎉")
    voice = await server.send_voice(chatting, b"OggS", duration=2)
    assert sticker.media is not None and voice.media is not None
    again = await bot.send_sticker(chatting.id, sticker.media.file_id)
    assert again.sticker is not None and again.sticker.emoji == "🎉"
    spoken = await bot.send_voice(chatting.id, voice.media.file_id, caption="nghe")
    assert spoken.voice is not None and spoken.voice.duration == 2
