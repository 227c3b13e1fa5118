"""/mydata after the whole questionnaire: a copy longer than a message is cut between two
answers, never between a question and its answer ("→ Oui" opening the next message, its
question at the foot of the one before).

Where the cut falls depends on the lengths of the texts: the company's name, piped into
many questions, is changed from the summary to names of forty lengths, each moving it.
"""

from __future__ import annotations

import itertools

from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_flow import AGREE, answer_everything
from tests.support.fake_bot_api import Person

HEAD = "Voici les données enregistrées vous concernant"


def assert_cut_between_answers(texts: list[str]) -> None:
    assert texts[0].startswith(HEAD) and len(texts) >= 2, "long enough to be cut"
    assert all(len(text) <= 4096 for text in texts)
    for text in texts:
        lines = text.splitlines()
        assert not lines[0].lstrip().startswith("→"), lines[0]
        for before, line in itertools.pairwise(lines):
            if line.lstrip().startswith("→"):  # an answer right under its question
                assert before.strip() and not before.lstrip().startswith("→"), (before, line)


async def copy_of_their_data(ana: Person) -> list[str]:
    sent = len(ana.chat)
    await ana.send("/mydata")
    return [m.text for m in ana.chat[sent:] if m.attachment is None]


async def test_a_long_copy_is_cut_between_answers(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await answer_everything(ana)
    assert_cut_between_answers(await copy_of_their_data(ana))
    for length in range(3, 120, 3):
        await ana.send("1")  # the summary's first line: the company's name, to change
        await ana.send(("Atelier Duval " * 10)[:length].strip() or "Duval")
        assert_cut_between_answers(await copy_of_their_data(ana))
