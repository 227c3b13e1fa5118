"""/stats, /export and /qr refuse a link's code for a questionnaire the bot does not run.

A bot running the companies' questionnaire alone, sent `/stats pithiviers__territoire`
(a card printed for a tour with two questionnaires, or for another bot), used to
answer with the companies' figures for Pithiviers, the audience dropped without a
word. It says what the code names and what to type instead. The real application and
handlers, the Bot API faked at the HTTP boundary, a real SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.fake_bot_api import Person
from tests.support.organiser_jobs import ask_and_wait

PersonFactory = Callable[..., Person]
BOSS = 900_001
REFUSED = (
    "«\u00a0pithiviers__territoire\u00a0» est le lien du questionnaire «\u00a0territoire\u00a0», "
    "que ce bot ne pose pas (questionnaires\u00a0: entreprise)\u00a0: donnez le code de "
    "l’atelier seul, «\u00a0pithiviers\u00a0»."
)


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({BOSS})


async def test_a_link_code_of_another_questionnaire_is_refused(person: PersonFactory) -> None:
    ana = person(711)
    await ana.send("/start pithiviers")
    await ana.tap("J’accepte")
    boss = person(BOSS)

    await boss.send("/stats pithiviers__territoire")
    assert boss.last_text == REFUSED + "\nUtilisation\u00a0: /stats [CODE]"
    await ask_and_wait(boss, "/export pithiviers__territoire")
    assert boss.last_text.startswith(REFUSED)
    assert not any(m.attachment for m in boss.chat)
    await boss.send("/qr pithiviers__territoire")
    assert boss.last_text.startswith(REFUSED)

    # The code of the questionnaire it runs, and the workshop's alone, still count.
    await boss.send("/stats pithiviers__entreprise")
    assert "1\u00a0commencée" in boss.last_text
    await boss.send("/stats pithiviers")
    assert "1\u00a0commencée" in boss.last_text
