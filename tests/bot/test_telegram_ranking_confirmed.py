"""On Telegram, a ranking is saved with "Valider ce classement", not on its last rank.

The hint says "Touchez à nouveau pour retirer": that now holds for the last rank too.
Ranking three items of three, the one left takes the last rank by itself. The real
application, the Bot API faked at the HTTP boundary (tests/bot/conftest.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory, Stored
from tests.bot.test_telegram_flow import assert_answered
from tests.bot.test_telegram_multi_bounds import hint
from tests.bot.test_telegram_ticks import CHANGED, toasts
from tests.flows.test_ranking_confirmed import FLOW

CONFIRM = "Valider ce classement"
AnswersOf = Callable[[int], Stored]


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "priorities.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


async def test_the_last_rank_is_filled_in_and_can_be_taken_back_before_valider(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    message = ana.last
    assert "puis « Valider ». Touchez à nouveau pour retirer." in hint(ana)
    assert CONFIRM not in message.labels()  # nothing to save yet

    await ana.tap("Temps")
    await ana.tap("Compétences")
    assert message.labels()[:4] == ["3. Coût", "1. Temps", "2. Compétences", CONFIRM]
    assert "whole" not in answers_of(ana.user_id)

    await ana.tap("3. Coût")  # the last rank, taken back: "Valider" goes with it
    assert message.labels()[:3] == ["Coût", "1. Temps", "2. Compétences"]
    assert CONFIRM not in message.labels()
    await ana.tap("Coût")
    await ana.tap(CONFIRM)

    assert_answered(message, "1. Temps\u00a0; 2. Compétences\u00a0; 3. Coût")
    assert answers_of(ana.user_id)["whole"][0] == ["time", "skills", "cost"]
    assert "Vos deux premières priorités" in ana.last.text


async def test_an_english_ranking_offers_confirm_once_full(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    bob = person(language_code="en")
    await bob.send("/start pithiviers")
    await bob.tap("Cost")
    await bob.tap("Time")
    await bob.tap("Confirm this ranking")
    await bob.tap("Digital")
    assert "Confirm this ranking" not in bob.last.labels()
    await bob.tap("Hiring")
    await bob.tap("Confirm this ranking")

    assert answers_of(bob.user_id)["top"][0] == ["digital", "hire"]
    assert "And then?" in bob.last.text


async def test_valider_on_a_copy_showing_another_order_is_refused(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap("Temps")
    await ana.tap("Compétences")
    full = copy.deepcopy(ana.last)  # 1. Temps, 2. Compétences, 3. Coût
    await ana.tap("2. Compétences")

    await ana.tap(CONFIRM, message=full)  # saves an order no longer on screen: refused
    assert toasts(ana)[-1] == CHANGED
    assert "whole" not in answers_of(ana.user_id)

    await ana.tap("Compétences")
    await ana.tap(CONFIRM)
    assert answers_of(ana.user_id)["whole"][0] == ["time", "cost", "skills"]
