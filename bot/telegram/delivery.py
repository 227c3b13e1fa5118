"""Delivering an export in the chat within Telegram's upload limit, and never in silence.

A bot may upload at most 50 MB a file. An export that does not fit goes as one
zip of the CSV and its codebook: the CSV, one row per response with the same
codes over and over, shrinks about tenfold, and a zip opens with a double click
in Windows and macOS (a .csv.gz needs a tool many organisers lack), holding both
files in one download. If even the zip is too big, or Telegram refuses a file,
the organiser is told in the chat what to do instead.
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from collections.abc import Sequence
from typing import Final

from telegram.error import Forbidden, TelegramError

from bot.telegram.sending import Chat
from bot.telegram.words import tg

log = logging.getLogger(__name__)

UPLOAD_LIMIT: Final = 49_000_000
"""Bytes a file may have: Telegram's 50 MB, less a margin for the request's envelope."""


async def deliver_export(
    chat: Chat, lang: str, files: Sequence[tuple[str, bytes]], caption: str, *, zip_name: str
) -> None:
    """Send `files` (the CSV first, with `caption`), zipped together if one is over the limit."""
    try:
        if all(len(content) <= UPLOAD_LIMIT for _, content in files):
            for index, (name, content) in enumerate(files):
                await chat.send_file(content, name, caption if index == 0 else None)
            return
        # Deflating hundreds of megabytes takes seconds: zlib lets go of the interpreter lock.
        packed = await asyncio.to_thread(zipped, files)
        if len(packed) > UPLOAD_LIMIT:
            log.warning("an export of %d bytes zipped is over the upload limit", len(packed))
            await chat.send(tg("org_export_too_large", lang, size=megabytes(len(packed))))
            return
        await chat.send_file(packed, zip_name, f"{caption}\n{tg('org_export_zipped', lang)}")
    except Forbidden:
        raise  # the organiser blocked the bot: nothing can reach them
    except TelegramError as error:
        log.warning("Telegram refused an export's file: %s", error)
        await chat.send(tg("org_export_failed", lang))


def zipped(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The files in one zip archive, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def megabytes(size: int) -> str:
    """A size as an organiser reads it: "63 MB"."""
    return f"{size / 1_000_000:.0f}"
