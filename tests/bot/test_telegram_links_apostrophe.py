"""/links, /qr and /stats in Telegram print a town as the cards do: "L’Isle-d’Abeau".

The stages file writes "L'Isle-d'Abeau" with the typewriter apostrophe; the printed
cards and QR pictures set the typographic one in French, and the organiser's
commands, which the same organiser reads beside them, did not. English as written.
The real application and handlers, the Bot API faked at the HTTP boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from flows import StageDef
from tests.support.fake_bot_api import BOT_USERNAME, Person

ORGANISER = 900_001
PersonFactory = Callable[..., Person]
LINK = f"https://t.me/{BOT_USERNAME}?start=l-isle-d-abeau"


@pytest.fixture
def stages() -> list[StageDef]:
    return [
        StageDef(code="l-isle-d-abeau", city="L'Isle-d'Abeau", date=dt.date(2019, 6, 29)),
    ]


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.mark.parametrize(("lang", "town"), [("fr", "L’Isle-d’Abeau"), ("en", "L'Isle-d'Abeau")])
async def test_the_town_is_printed_as_on_the_cards(
    person: PersonFactory, lang: str, town: str
) -> None:
    someone = person()
    await someone.send("/start l-isle-d-abeau")
    await someone.tap("J’accepte")
    boss = person(ORGANISER, language_code=lang)

    await boss.send("/links")
    assert f"\n{town} — " in boss.last_text
    assert f"{LINK}\n" in boss.last_text

    await boss.send("/qr l-isle-d-abeau")
    assert boss.last.attachment is not None
    assert boss.last_text == f"{town}\n{LINK}"

    await boss.send("/stats")
    assert f"{town} (l-isle-d-abeau)" in boss.last_text
