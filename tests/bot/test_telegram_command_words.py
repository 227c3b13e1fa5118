"""Commands typed as people think of them, not "Je ne connais pas cette commande".

The notice and the thanks name « Effacer mes réponses »: typed as its verb, /effacer (or
/erase), it is the erasure, as /delete and /supprimer are. "/menu" is the help.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram import BotApplication, running
from tests.bot.test_telegram_privacy import AGREE, DELETED
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates


@pytest.mark.parametrize("typed", ["/effacer", "/erase"])
async def test_the_erase_verb_erases_after_asking(
    app: BotApplication, api: FakeBotAPI, db_path: Path, typed: str
) -> None:
    async with running(app, db_path):
        ana = Person(Updates(app, api), 777_000_001)
        await ana.send("/start pithiviers")
        await ana.tap(AGREE)
        await ana.send("Duval SA")
        await ana.send(typed)
        assert "Je ne connais pas cette commande" not in ana.last_text
        await ana.tap("Oui, tout effacer")
        assert ana.last_text.startswith(DELETED)


async def test_menu_typed_lists_the_commands(
    app: BotApplication, api: FakeBotAPI, db_path: Path
) -> None:
    """ "/menu" is what people type looking for the commands (Telegram's ☰ button is the
    menu): the help, which lists them, not "Je ne connais pas cette commande"."""
    async with running(app, db_path):
        ana = Person(Updates(app, api), 777_000_002)
        await ana.send("/start pithiviers")
        await ana.tap(AGREE)
        await ana.send("/menu")
        assert "Je ne connais pas cette commande" not in ana.last_text
        assert "/back" in ana.last_text and "/delete" in ana.last_text
