"""Telegram's /stats counts who declined the notice at each workshop.

A refusal keeps no one's name, only its notice, workshop and time, so that the
organiser can count refusals per workshop (docs/privacy.md); /stats did not.
It now says "2 refus de la notice" after a workshop's figures once some have
declined there, and gives a row to a workshop where people only declined. The
real application and handlers, the Bot API faked at the HTTP boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from flows import Flow
from storage import Store
from tests.support.fake_bot_api import Person

PersonFactory = Callable[..., Person]
BOSS = 900_001


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({BOSS})


async def decline(person: Person, stage: str) -> None:
    await person.send(f"/start {stage}")
    await person.tap("Je refuse")
    assert "aucune réponse n’est enregistrée" in person.last_text


async def test_stats_count_the_refusals_of_each_workshop(person: PersonFactory) -> None:
    await decline(person(711), "pithiviers")
    await decline(person(712), "pithiviers")
    await decline(person(713), "exemple_bretagne")
    agreed = person(714)
    await agreed.send("/start pithiviers")
    await agreed.tap("J’accepte")

    boss = person(BOSS)
    await boss.send("/stats")
    pithiviers = boss.last_text.split("Pithiviers (pithiviers)\n")[1].split("\n")[0]
    assert pithiviers.startswith("1\u00a0commencée · ")
    assert pithiviers.endswith(" · 2\u00a0refus de la notice")
    # Where people only declined: its own paragraph, not among "no answers yet".
    assert "(exemple_bretagne)\n0\u00a0commencée · " in boss.last_text
    assert boss.last_text.endswith(" · 3\u00a0refus de la notice")

    chef = person(BOSS, language_code="en")
    await chef.send("/stats")
    assert chef.last_text.endswith(" · 3 declined the notice")


async def test_no_word_of_refusals_when_no_one_declined(person: PersonFactory) -> None:
    agreed = person(714)
    await agreed.send("/start pithiviers")
    await agreed.tap("J’accepte")

    boss = person(BOSS)
    await boss.send("/stats")
    assert "Pithiviers (pithiviers)\n1\u00a0commencée · " in boss.last_text
    assert "refus" not in boss.last_text


async def test_stats_of_a_workshop_gone_from_the_file_where_all_declined(
    person: PersonFactory, store: Store, flow: Flow
) -> None:
    # Declined when the stages file still had Montargis (a bot run with last year's file).
    when = dt.datetime(2019, 6, 5, 10, tzinfo=dt.UTC)
    await store.record_refusal(version=flow.consent_version, stage_code="montargis", now=when)

    boss = person(BOSS)
    await boss.send("/stats montargis")
    assert "inconnu" not in boss.last_text
    assert boss.last_text.endswith(" · 1\u00a0refus de la notice")
