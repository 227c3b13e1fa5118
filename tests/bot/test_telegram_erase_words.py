"""The notice and the thanks name « Effacer mes réponses »: typed as its verb, /effacer (or
/erase), it is the erasure, as /delete and /supprimer are. It answered "Je ne connais pas
cette commande", though the person did what the notice said."""

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
