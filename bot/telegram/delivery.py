"""Delivering an export in the chat within Telegram's upload limit, and never in silence.

A bot may upload at most 50 MB a file. An export that does not fit goes as one
zip of the CSV and its codebook: the CSV, one row per response with the same
codes over and over, shrinks about tenfold, and a zip opens with a double click
in Windows and macOS (a .csv.gz needs a tool many organisers lack), holding both
files in one download. If even the zip is too big, or Telegram refuses a file,
the organiser is told in the chat what to do instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from telegram.error import Forbidden, TelegramError

from bot.telegram.sending import Chat
from bot.telegram.words import org, tg

if TYPE_CHECKING:
    from exports import PackedExport
    from flows import StageDef

log = logging.getLogger(__name__)

UPLOAD_LIMIT: Final = 49_000_000
"""Bytes a file may have: Telegram's 50 MB, less a margin for the request's envelope."""


async def deliver_export(
    chat: Chat,
    lang: str,
    export: PackedExport,
    caption: str,
    codebook_caption: str,
    stages: Sequence[StageDef],
) -> None:
    """Send the export's files (the CSV with `caption`, then the codebook with its own, so a
    forwarded codebook still says what it is), or say why it cannot be (naming the bot's
    `stages` as they are called)."""
    try:
        if not export.zipped:
            for index, (name, content) in enumerate(export.files):
                await chat.send_file(content, name, caption if index == 0 else codebook_caption)
            return
        [(name, packed)] = export.files
        if len(packed) > UPLOAD_LIMIT:
            log.warning("an export of %d bytes zipped is over the upload limit", len(packed))
            size = megabytes(len(packed))
            await chat.send(org("org_export_too_large", lang, stages, size=size))
            return
        await chat.send_file(packed, name, f"{caption}\n{tg('org_export_zipped', lang)}")
    except Forbidden:
        raise  # the organiser blocked the bot: nothing can reach them
    except TelegramError as error:
        log.warning("Telegram refused an export's file: %s", error)
        await chat.send(tg("org_export_failed", lang))


def megabytes(size: int) -> str:
    """A size as an organiser reads it: "63 MB"."""
    return f"{size / 1_000_000:.0f}"
