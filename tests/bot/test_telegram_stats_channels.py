"""/stats says where responses were started right after the count it splits.

"5 commencées · … · aujourd’hui 2/0 (dont 1 telegram, 4 terminal)" read as a split
of today's 2; it is of the 5 started, all time: "5 commencées (dont 1 telegram,
4 terminal) · …". A respondent in Telegram and a rehearsal in the terminal chat
(the real `surveybot chat`, on the same database file), the real application and
handlers, the Bot API faked at the HTTP boundary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from flows import Flow
from tests.support.fake_bot_api import Person
from tests.support.scripts import script_for

PersonFactory = Callable[..., Person]


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({900_001})


async def rehearse(db_path: Path, flow: Flow) -> None:
    """A whole response in the terminal chat, at Pithiviers, beside the running bot."""
    lines, _ = script_for(flow, "fr", None)
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["chat", "--db", str(db_path), "--stage", "pithiviers", "--lang", "fr"],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.stderr


async def test_the_channels_follow_the_count_of_started_responses(
    person: PersonFactory, db_path: Path, flow: Flow
) -> None:
    someone = person(711)
    await someone.send("/start pithiviers")
    await someone.tap("J’accepte")
    await rehearse(db_path, flow)

    boss = person(900_001)
    await boss.send("/stats")
    assert (
        "Pithiviers (pithiviers)\n2\u00a0commencées (dont 1 telegram, 1 terminal) · "
        "1\u00a0terminée (50\u00a0%) · 0\u00a0abandonnée · médiane "
    ) in boss.last_text
    assert boss.last_text.endswith(
        "Total\n2\u00a0commencées (dont 1 telegram, 1 terminal) · 1\u00a0terminée (50\u00a0%)"
        " · 0\u00a0abandonnée · médiane 0\u00a0min · aujourd’hui 2/1"
    )

    chef = person(900_001, language_code="en")
    await chef.send("/stats")
    assert chef.last_text.endswith(
        "Total\n2 started (of which 1 telegram, 1 terminal) · 1 completed (50%)"
        " · 0 abandoned · median 0\u00a0min · today 2/1"
    )
