"""An answer of several lines reads under its "→" in the summary and in /mydata.

Its second line started at the left edge, where the next question's line starts,
so a long answer and the question after it ran together. The real application, the
Bot API faked at the HTTP boundary (tests/bot/conftest.py).
"""

from __future__ import annotations

import pytest

from flows import Flow
from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_flow import summary_at_end
from tests.bot.test_telegram_ticks import at_obstacles
from tests.support.fake_bot_api import Person

IDEAS = "Plus de stages\nUn club d’entreprises\n\nEt des visites"


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def with_ideas(ana: Person) -> None:
    """The small flow answered, its "Idées ?" on several lines."""
    await at_obstacles(ana)
    await ana.tap("Coût")
    await ana.tap("Temps")
    await ana.tap("Valider ce classement")
    await ana.send(IDEAS)
    await ana.send("ana@example.org")  # asked after an importance of 4


async def test_the_summary_puts_the_later_lines_under_the_first(person: PersonFactory) -> None:
    ana = person()
    await with_ideas(ana)
    _, summary = summary_at_end(ana)
    assert (
        "    → Plus de stages\n      Un club d’entreprises\n      \n      Et des visites" in summary
    )


async def test_mydata_puts_them_under_the_first_too(person: PersonFactory) -> None:
    ana = person()
    await with_ideas(ana)
    await ana.send("/mydata")
    copy = next(m.text for m in reversed(ana.chat) if "Plus de stages" in m.text)
    assert "   → Plus de stages\n     Un club d’entreprises\n     \n     Et des visites" in copy
