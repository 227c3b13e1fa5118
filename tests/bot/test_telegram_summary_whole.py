"""The summary shows every answer whole on Telegram, however long validate let it be.

The conversation clipped the summary's answers at 3,000 characters and its questions at
500 before the channel saw them, though the channel now splits a long entry over several
messages; and a later line of an answer was cut at the first line's width (the arrow's),
so a space became a line break. The real application, the Bot API faked at the HTTP
boundary, counting as Telegram does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.render import summary_entry
from bot.telegram.sending import split_message
from flows import Flow, load_flow
from flows.limits import check_limits
from tests.bot.conftest import PersonFactory
from tests.support.telegram_rules import utf16_length, visible_text

FLOW = """\
id: longsum
version: 1
title: Avis
sections:
  - id: r
    title: Récit
    steps:
      - id: story
        type: long_text
        text: "{question}"
        max_length: 3500
      - id: ok
        type: yes_no
        text: "Tout va bien ?"
"""
QUESTION = "Racontez " + "un projet mené sur le territoire, " * 16 + "en détail."


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "f.yaml"
    path.write_text(FLOW.format(question=QUESTION), encoding="utf-8")
    loaded = load_flow(path)
    assert check_limits(loaded)[0] == []  # validate accepts it
    return loaded


async def test_summary_shows_a_valid_answer_whole(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    answer = ("Nous avons monté un atelier partagé avec le lycée. " * 70)[:3400].strip()
    await ana.send(answer)
    await ana.tap("Oui")
    start = next(i for i, m in enumerate(ana.chat) if m.text.startswith("Récapitulatif"))
    shown = "\n".join(m.text for m in ana.chat[start:])
    for m in ana.chat:
        assert utf16_length(m.text) <= 4096
    problems = []
    if answer not in shown:
        problems.append("answer cut: " + shown.split("\n2.")[0][-60:])
    if QUESTION not in shown:
        problems.append(f"question of {len(QUESTION)} chars cut: " + shown.split("\n")[1][-40:])
    assert not problems, problems


def test_a_later_line_as_long_as_a_message_keeps_its_spaces() -> None:
    answer = "Intro\n" + "mot " * 1022 + "fin"  # second line: 4,091 units
    blocks = summary_entry("Q ?", answer)
    shown = [visible_text(m, "HTML") for m in split_message(["<b>Récap</b>", *blocks])]
    assert shown[-1].endswith("mot fin"), repr(shown[-1][-12:])
