"""/stats and /export take a link's code, `pithiviers__territoire`, as the cards print it.

With two questionnaires every card, QR file and /links line carries
`<workshop>__<audience>`: the organiser who types it gets that workshop and that
audience's questionnaire, as `/export pithiviers territoire` does, not both
questionnaires; a code and another questionnaire's word are refused, as two
questionnaires are. The real application and handlers, the Bot API faked at the
HTTP boundary, a real SQLite file, a clock fixed at 2026-11-30 13:05 UTC.
"""

from __future__ import annotations

from tests.bot.test_telegram_organiser_two import (  # the same two-questionnaire bot
    ORGANISER,
    PersonFactory,
    make_app,  # noqa: F401 -- a fixture, used by tests/bot/conftest.py's `app`
    one_each,
)
from tests.support.fake_bot_api import Person
from tests.support.organiser_jobs import ask_and_wait


def files(organiser: Person) -> list[str]:
    """The name of every document the organiser got."""
    return [m.attachment[0] for m in organiser.chat if m.attachment is not None]


async def test_stats_of_a_link_code_are_that_questionnaire_s(person: PersonFactory) -> None:
    await one_each(person)
    boss = person(ORGANISER)
    await boss.send("/stats pithiviers territoire")
    expected = [m.text for m in boss.chat]
    assert len(expected) == 1 and "acteurs du territoire —\n" in expected[0]

    for asked in ("pithiviers__territoire", "Pithiviers__territoire territoire"):
        before = len(boss.chat)
        await boss.send(f"/stats {asked}")
        assert [m.text for m in boss.chat[before:]] == expected, asked


async def test_an_export_of_a_link_code_is_that_questionnaire_s(person: PersonFactory) -> None:
    await one_each(person)
    boss = person(ORGANISER)

    await ask_and_wait(boss, "/export pithiviers__territoire csv")

    assert files(boss) == [
        "reponses_territoire_pithiviers_2026-11-30_14-05-00.csv",
        "codebook_territoire_pithiviers_2026-11-30_14-05-00.csv",
    ]


async def test_a_link_code_and_another_questionnaire_are_refused_as_two_are(
    person: PersonFactory,
) -> None:
    await one_each(person)
    boss = person(ORGANISER)

    await boss.send("/stats pithiviers__territoire entreprise")
    assert boss.last_text == (
        "Un atelier et un questionnaire à la fois au plus\u00a0: «\u00a0entreprise\u00a0» "
        "en trop.\nUtilisation\u00a0: /stats [CODE] [AUDIENCE]"
    )
    await ask_and_wait(boss, "/export entreprise pithiviers__territoire")
    assert boss.last_text.startswith(
        "Un atelier et un questionnaire à la fois au plus\u00a0: "
        "«\u00a0pithiviers__territoire\u00a0» en trop.\n"
    )
    assert files(boss) == []


async def test_a_link_code_of_an_audience_no_questionnaire_has_is_refused(
    person: PersonFactory,
) -> None:
    await one_each(person)
    boss = person(ORGANISER)

    # A typo in the audience used to give both questionnaires' figures for Pithiviers.
    await boss.send("/stats pithiviers__territoir")
    assert boss.last_text == (
        "«\u00a0pithiviers__territoir\u00a0» est le lien du questionnaire "
        "«\u00a0territoir\u00a0», que ce bot ne pose pas (questionnaires\u00a0: entreprise, "
        "territoire)\u00a0: donnez le code de l’atelier seul, «\u00a0pithiviers\u00a0».\n"
        "Utilisation\u00a0: /stats [CODE] [AUDIENCE]"
    )
    await ask_and_wait(boss, "/export pithiviers__territoir csv")
    assert "que ce bot ne pose pas" in boss.last_text
    assert files(boss) == []
