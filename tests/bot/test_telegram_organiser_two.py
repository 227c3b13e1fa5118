"""Organiser commands in Telegram when the bot runs two questionnaires (SURVEYBOT_FLOWS=bundled).

The real application and handlers, the Bot API faked at the HTTP boundary, a
real SQLite file, and a clock fixed at 2026-11-30 13:05 UTC (14:05 in Paris).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from bot.telegram import BotApplication, build_application
from flows import Catalogue, Flow, StageDef
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person
from tests.support.organiser_jobs import ask_and_wait

ORGANISER = 900_001
NOW = dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC)
PersonFactory = Callable[..., Person]


@pytest.fixture
def make_app(
    bundled_flow: Flow, actors_flow: Flow, stages: list[StageDef]
) -> Callable[[FakeBotAPI], BotApplication]:
    def make(api: FakeBotAPI) -> BotApplication:
        app = build_application(
            token=TOKEN,
            flow=Catalogue((bundled_flow, actors_flow)),
            stages=stages,
            request=api,
            rate_limit=False,
            admins=frozenset({ORGANISER}),
        )
        app.bot_data.clock = lambda: NOW
        return app

    return make


async def one_each(person: PersonFactory) -> None:
    """One respondent per questionnaire at Pithiviers, agreed and on the first question."""
    for user, audience in ((711, "entreprise"), (712, "territoire")):
        someone = person(user)
        await someone.send(f"/start pithiviers__{audience}")
        await someone.tap("J’accepte")


def files(organiser: Person) -> list[tuple[str, str]]:
    """(file name, caption) of every document the organiser got."""
    return [(m.attachment[0], m.text) for m in organiser.chat if m.attachment is not None]


async def test_an_export_of_one_questionnaire_is_named_after_it_and_the_time(
    person: PersonFactory,
) -> None:
    await one_each(person)
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export territoire")
    await ask_and_wait(boss, "/export pithiviers entreprise")

    sent = files(boss)
    # The time of the configured zone (Europe/Paris), as the organiser's clock shows it.
    assert [name for name, _ in sent] == [
        "reponses_territoire_2026-11-30_14-05-00.xlsx",
        "codebook_territoire_2026-11-30_14-05-00.csv",
        "reponses_entreprise_pithiviers_2026-11-30_14-05-00.xlsx",
        "codebook_entreprise_pithiviers_2026-11-30_14-05-00.csv",
    ]
    assert sent[1][1].startswith("Codebook de reponses_territoire_2026-11-30_14-05-00.xlsx")


async def test_an_export_says_which_questionnaire_has_no_response_yet(
    person: PersonFactory,
) -> None:
    someone = person(711)
    await someone.send("/start pithiviers__entreprise")
    await someone.tap("J’accepte")
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export")
    assert next(name for name, _ in files(boss)).startswith("reponses_entreprise_")
    assert len(files(boss)) == 2
    assert (
        boss.last_text
        == "Pas encore de réponse à exporter pour le questionnaire «\u00a0territoire\u00a0»."
    )


async def test_links_give_one_link_per_workshop_and_questionnaire_as_qr_does(
    person: PersonFactory, stages: list[StageDef]
) -> None:
    boss = person(ORGANISER)
    await boss.send("/links")
    text = "\n".join(m.text for m in boss.chat)
    for stage in stages:
        for audience in ("entreprise", "territoire"):
            assert f"?start={stage.code}__{audience}\n" in text + "\n"
    assert "Pithiviers – Une entreprise — 5\u00a0juin\u00a02019\nhttps://t.me/" in text
    assert "Pithiviers – Un acteur du territoire — 5\u00a0juin\u00a02019\nhttps://t.me/" in text


async def test_stats_take_an_audience_and_refuse_what_names_nothing(
    person: PersonFactory, actors_flow: Flow
) -> None:
    await one_each(person)
    boss = person(ORGANISER)
    await boss.send("/stats pithiviers territoire")
    assert "Pithiviers (pithiviers)\n1\u00a0commencée" in boss.last_text
    await boss.send("/stats a b c")
    assert boss.last_text == (
        "«\u00a0a\u00a0», «\u00a0b\u00a0», «\u00a0c\u00a0» ne sont ni des ateliers ni des questionnaires. Ateliers\u00a0: "
        "pithiviers, exemple_normandie, exemple_bretagne, exemple_grand_est, exemple_nord\n"
        "Questionnaires\u00a0: entreprise, territoire\n"
        "Utilisation\u00a0: /stats [CODE] [AUDIENCE]"
    )
    await boss.send("/stats entreprise territoire")
    assert boss.last_text.startswith(
        "Un atelier et un questionnaire à la fois au plus\u00a0: «\u00a0territoire\u00a0» en trop."
    )
    await boss.send("/qr")
    assert boss.last_text.startswith(
        "Utilisation\u00a0: /qr CODE [AUDIENCE] (ateliers\u00a0: pithiviers,"
    )
    assert boss.last_text.endswith("\u00a0; questionnaires\u00a0: entreprise, territoire)")
    await boss.send("/qr pithiviers xyz")
    assert boss.last_text.startswith("«\u00a0xyz\u00a0» n’est ni un atelier ni un questionnaire.")
    await boss.send("/links extra")
    assert boss.chat[-1].text.startswith(
        "/links ne prend pas d’argument\u00a0: «\u00a0extra\u00a0» ignoré."
    )


async def test_a_personal_export_names_its_personal_questions_readably(
    person: PersonFactory,
) -> None:
    await one_each(person)
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export territoire personal")
    warning = next(m.text for m in boss.chat if m.text.startswith("⚠️"))
    assert warning.startswith(
        "⚠️ Cet export contient des données personnelles (réponses à\u00a0: "
        "«\u00a0Quel est le nom de votre organisation\u00a0?\u00a0», "
        "«\u00a0À quelle adresse e-mail pouvons-nous vous écrire\u00a0?\u00a0»)."
    )
    chef, before = person(ORGANISER, language_code="en"), len(boss.chat)  # the same chat
    await ask_and_wait(chef, "/export entreprise personal")
    warning = next(m.text for m in chef.chat[before:] if m.text.startswith("⚠️"))
    assert "(answers to: “What is the name of your company?”, “Which email" in warning
    assert "company_name" not in warning
