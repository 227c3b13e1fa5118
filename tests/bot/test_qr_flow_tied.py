"""/qr and /links in Telegram for a stage tied to one questionnaire (`flow:` in the stages file),
the bot running both bundled questionnaires (SURVEYBOT_FLOWS=bundled).

Such a stage has one link, its plain code, which opens its questionnaire without
asking; its QR code and /links line name that questionnaire's audience, as every
other workshop's do. Asked for another audience's code, /qr says the workshop
runs only its own questionnaire and sends that one, never silently in its place.
The real application and handlers, the Bot API faked at the HTTP boundary.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import zxingcpp
from PIL import Image

from bot.telegram import BotApplication, build_application
from flows import Catalogue, Flow, StageDef
from tests.support.fake_bot_api import BOT_USERNAME, TOKEN, FakeBotAPI, Person

ORGANISER = 900_001

PersonFactory = Callable[..., Person]
TIED = f"https://t.me/{BOT_USERNAME}?start=saint-etienne"


@pytest.fixture
def stages(actors_flow: Flow) -> list[StageDef]:
    return [
        StageDef(code="pithiviers", city="Pithiviers"),
        StageDef(
            code="saint-etienne",
            city="Saint-Étienne",
            date=dt.date(2019, 8, 1),
            flow=actors_flow.id,
        ),
    ]


@pytest.fixture
def make_app(
    bundled_flow: Flow, actors_flow: Flow, stages: list[StageDef]
) -> Callable[[FakeBotAPI], BotApplication]:
    def make(api: FakeBotAPI) -> BotApplication:
        return build_application(
            token=TOKEN,
            flow=Catalogue((bundled_flow, actors_flow)),
            stages=stages,
            request=api,
            rate_limit=False,
            admins=frozenset({ORGANISER}),
        )

    return make


def photos(boss: Person, since: int) -> list[tuple[str, list[str], str]]:
    """(file name, the links its QR codes decode to, caption) of each picture since `since`."""
    found = []
    for message in boss.chat[since:]:
        if message.attachment is not None:
            name, content = message.attachment
            decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]
            found.append((name, decoded, message.text))
    return found


async def test_the_qr_code_of_a_tied_stage_names_its_questionnaire(person: PersonFactory) -> None:
    boss = person(ORGANISER)
    for command in ("/qr saint-etienne", "/qr saint-etienne territoire"):
        before = len(boss.chat)
        await boss.send(command)
        assert photos(boss, before) == [
            ("saint-etienne.png", [TIED], f"Saint-Étienne – Un acteur du territoire\n{TIED}")
        ]
        assert len(boss.chat) == before + 1  # nothing said beside it: it is the one asked


async def test_another_audience_is_said_to_be_not_run_there_and_its_own_sent(
    person: PersonFactory,
) -> None:
    boss = person(ORGANISER)
    await boss.send("/qr saint-etienne entreprise")
    said = boss.chat[-2]
    assert said.attachment is None
    assert said.text == (
        "Pour Saint-Étienne, seul le questionnaire «\u00a0Un acteur du territoire\u00a0» "
        "est proposé\u00a0: voici son QR code."
    )
    assert photos(boss, len(boss.chat) - 1) == [
        ("saint-etienne.png", [TIED], f"Saint-Étienne – Un acteur du territoire\n{TIED}")
    ]


async def test_in_english_too(person: PersonFactory) -> None:
    boss = person(ORGANISER, language_code="en")
    await boss.send("/qr saint-etienne entreprise")
    assert boss.chat[-2].text == (
        "For Saint-Étienne, only the “A local stakeholder” questionnaire is offered: "
        "here is its QR code."
    )
    assert boss.chat[-1].text == f"Saint-Étienne – A local stakeholder\n{TIED}"


async def test_links_name_the_audience_of_a_tied_stage(person: PersonFactory) -> None:
    boss = person(ORGANISER)
    await boss.send("/links")
    text = "\n".join(m.text for m in boss.chat)
    assert f"Saint-Étienne – Un acteur du territoire — 1er\u00a0août\u00a02019\n{TIED}\n" in text
    assert "Saint-Étienne – Une entreprise" not in text
    assert "?start=saint-etienne__" not in text
