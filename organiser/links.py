"""Invitation links: one Telegram deep link per stage, and the links as CSV.

A stage's link is `https://t.me/<bot>?start=<code>`: Telegram hands the code to
the bot, which tags the response with the stage. The QR codes (`organiser.qr`)
and the printable page (`organiser.page`) are drawn from these links. Nothing
here touches the network or the database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from exports import neutralise
from flows import STAGE_CODE, StageDef
from organiser.errors import LinkError

# Telegram's rule for a bot username: 5 to 32 of these, ending in "bot".
BOT_USERNAME: Final = re.compile(r"[A-Za-z0-9_]{5,32}")
CSV_COLUMNS: Final = ("stage", "city", "region", "date", "link")
# How a made-up stage is marked, after its city; English for other languages.
EXAMPLE_MARK: Final = {"fr": "exemple", "en": "example"}


@dataclass(frozen=True, slots=True)
class StageLink:
    """One stage with its invitation link."""

    stage: StageDef
    url: str

    @property
    def code(self) -> str:
        return self.stage.code


def check_bot_username(name: str) -> str:
    """The bot's username without '@', or LinkError saying what Telegram allows."""
    username = name.strip().removeprefix("@")
    if not BOT_USERNAME.fullmatch(username):
        raise LinkError(
            f"bot username {name!r} must be 5 to 32 letters, digits or '_' (Telegram's rule); "
            "copy it from @BotFather, without the '@'"
        )
    if not username.lower().endswith("bot"):
        raise LinkError(
            f"bot username {name!r} must end in 'bot', like tour_innovation_bot "
            "(Telegram's rule); copy it from @BotFather"
        )
    return username


def deep_link(bot_username: str, payload: str) -> str:
    """`https://t.me/<bot>?start=<payload>`, with both checked."""
    username = check_bot_username(bot_username)
    if not STAGE_CODE.fullmatch(payload):
        raise LinkError(
            f"stage code {payload!r} cannot travel in a link: use at most 64 letters, "
            "digits, '_' and '-'"
        )
    # The payload alphabet needs no escaping; quote() keeps that true if it changes.
    return f"https://t.me/{username}?start={quote(payload, safe='')}"


def stage_link(stage: StageDef, bot_username: str) -> StageLink:
    """The invitation link of one stage."""
    return StageLink(stage, deep_link(bot_username, stage.code))


def stage_links(stages: Iterable[StageDef], bot_username: str) -> list[StageLink]:
    """The invitation links of every stage, in the stages file's order."""
    return [stage_link(stage, bot_username) for stage in stages]


def example_mark(lang: str) -> str:
    """The word that marks a made-up stage: "exemple", "example"."""
    return EXAMPLE_MARK.get(lang, EXAMPLE_MARK["en"])


def stage_title(stage: StageDef, *, lang: str = "fr") -> str:
    """The city, marked "(exemple)" for a made-up stage."""
    if stage.example:
        return f"{stage.city} ({example_mark(lang)})"
    return stage.city


def render_csv(links: Sequence[StageLink], *, lang: str = "fr") -> str:
    """The links as CSV text: stage, city, region, date (YYYY-MM-DD), link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for link in links:
        stage = link.stage
        writer.writerow(
            [
                neutralise(stage.code),
                neutralise(stage_title(stage, lang=lang)),
                neutralise(stage.region or ""),
                stage.date.isoformat() if stage.date else "",
                link.url,
            ]
        )
    return buffer.getvalue()
