"""On Telegram: the territory's link opened by someone who began the companies' questionnaire.

Through the real handlers, keyboards and callback data, with the Bot API faked
at the HTTP boundary and both bundled questionnaires configured: the offer names
both questionnaires, "no" keeps the answers given, and the switch confirmed
erases them and opens the territory's questionnaire at the link's workshop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import BotApplication, build_application, running
from flows import Catalogue, Flow, StageDef
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates
from tests.support.sqlite import open_sqlite

COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
SWITCH = f"Passer à «\u00a0{ACTOR}\u00a0»"


@pytest.fixture
async def updates(
    bundled_flow: Flow, actors_flow: Flow, bundled_stages: list[StageDef], db_path: Path
) -> AsyncIterator[Updates]:
    api = FakeBotAPI()
    app: BotApplication = build_application(
        token=TOKEN,
        flow=Catalogue((bundled_flow, actors_flow)),
        stages=bundled_stages,
        request=api,
        rate_limit=False,
    )
    async with running(app, db_path):
        yield Updates(app, api)


def _read(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with open_sqlite(f"{db_path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


async def _two_company_answers(ana: Person) -> None:
    await ana.send("/start pithiviers__entreprise")
    await ana.tap("J’accepte")
    await ana.send("ACME")
    await ana.tap("Agroalimentaire")


async def test_the_offer_names_both_and_no_keeps_the_answers(
    updates: Updates, db_path: Path, bundled_flow: Flow
) -> None:
    ana = Person(updates, 731)
    await _two_company_answers(ana)
    await ana.send("/start pithiviers__territoire")
    offer = ana.last
    assert f"le questionnaire pour «\u00a0{COMPANY}\u00a0» (2\u00a0réponses sur " in offer.text
    assert f"ce lien ouvre le questionnaire pour «\u00a0{ACTOR}\u00a0»" in offer.text
    assert offer.labels() == [f"Reprendre «\u00a0{COMPANY}\u00a0» ▶", SWITCH]
    await ana.tap(SWITCH)
    assert "efface les 2\u00a0réponses déjà données" in ana.last_text
    await ana.tap("Non, garder mes réponses")
    assert ana.last_text.startswith("Question 3/")  # the question waiting, again
    assert _read(db_path, "SELECT flow_id FROM responses") == [(bundled_flow.id,)]
    assert _read(db_path, "SELECT COUNT(*) FROM answers") == [(2,)]


async def test_switching_confirmed_erases_and_opens_the_territory_questionnaire(
    updates: Updates, db_path: Path, actors_flow: Flow
) -> None:
    ana = Person(updates, 732)
    await _two_company_answers(ana)
    await ana.send("/start pithiviers__territoire")
    await ana.tap(SWITCH)
    before = len(ana.chat)
    await ana.tap("Oui, changer de questionnaire")
    said = "\n".join(message.text for message in ana.chat[before:])
    assert f"vos réponses au questionnaire pour «\u00a0{COMPANY}\u00a0» sont effacées" in said
    assert "l’atelier de Pithiviers" in said
    assert actors_flow.text(actors_flow.title, "fr") in said
    # One live keyboard, the new notice's: the company question left behind has none.
    assert [message.text for message in ana.live_keyboards()] == [ana.last.text]
    # The company's answers are gone at once, before the new notice is agreed to.
    assert _read(db_path, "SELECT COUNT(*) FROM responses") == [(0,)]
    assert _read(db_path, "SELECT COUNT(*) FROM answers") == [(0,)]
    await ana.tap("J’accepte")
    assert _read(db_path, "SELECT flow_id, stage_code FROM responses") == [
        (actors_flow.id, "pithiviers")
    ]
    first = actors_flow.steps()[0]
    assert actors_flow.text(first.text, "fr") in ana.last_text
