"""Telegram: a "Oui, tout effacer" left on screen from before an erasure (its buttons could
not be removed) erases nobody once the person has started again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tests.support.fake_bot_api import FakeBotAPI, Person

AGREE = "✅ J’accepte"
ERASE_YES = "Oui, tout effacer"


async def test_an_old_erase_button_does_not_erase_the_new_start(
    person: Callable[..., Person],
    api: FakeBotAPI,
    query: Callable[..., list[sqlite3.Row]],
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.send("/delete")
    first_menu = ana.last
    # The second menu's arrival cannot take the first one's buttons away (a network error).
    api.fail("editMessageReplyMarkup", 502, "Bad Gateway")
    await ana.send("/delete")
    api.failing.clear()
    assert first_menu.keyboard, "the first menu kept its buttons"
    await ana.tap(ERASE_YES)
    assert query("SELECT count(*) FROM respondents")[0][0] == 0
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Globex")

    await ana.tap(ERASE_YES, message=first_menu)

    assert query("SELECT count(*) FROM respondents")[0][0] == 1
    rows = query("SELECT question_id, value_json FROM answers")
    assert [tuple(row) for row in rows] == [("company_name", '"Globex"')]
