"""What validate lets through, Telegram shows whole: the answered question's echo is never cut.

Once answered, a question is edited to show its answer, under its progress line and its
section title. validate counts all of that, so a flow it accepts never has an answer cut
with "…" in the chat (docs/flow-format.md: nothing is ever cut without a word).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow, validate_file
from tests.bot.conftest import PersonFactory
from tests.support.telegram_rules import utf16_length

TITLE = "Votre projet, vos partenaires, vos recrutements et vos formations " * 3  # 198
QUESTION = "Décrivez votre projet. " * 4


def flow_text(max_length: int) -> str:
    return f"""\
id: echo
version: 1
title: Écho
sections:
  - id: main
    title: "{TITLE.strip()}"
    steps:
      - id: story
        type: long_text
        max_length: {max_length}
        text: "{QUESTION.strip()}"
      - id: ok
        type: yes_no
        text: "Tout va bien ?"
"""


def longest_accepted(tmp_path: Path) -> int:
    """The longest max_length validate accepts for this flow, from its advice when 3,800 is
    too long for a message."""
    path = tmp_path / "try.yaml"
    path.write_text(flow_text(3800), encoding="utf-8")
    problems = validate_file(path)
    if not problems:
        return 3800
    advice = problems[0].message.rsplit("lower max_length to ", 1)[1]
    return int(advice.replace(",", ""))


@pytest.fixture
def longest(tmp_path: Path) -> int:
    return longest_accepted(tmp_path)


@pytest.fixture
def flow(tmp_path: Path, longest: int) -> Flow:
    path = tmp_path / "echo.yaml"
    path.write_text(flow_text(longest), encoding="utf-8")
    return load_flow(path)  # validate accepts it


async def test_an_answer_at_the_longest_validate_accepts_is_echoed_whole(
    person: PersonFactory, longest: int
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    question = ana.last
    assert question.text.startswith(f"Question 1/2 · {TITLE.strip()}")
    answer = ("Un projet. " * 400)[: longest - 1] + "!"  # at its max_length exactly
    await ana.send(answer)

    assert question.keyboard is None and question.edits == 1
    assert question.text.startswith(f"Question 1/2 · {TITLE.strip()}\n{QUESTION.strip()}")
    assert question.text.endswith(f"✅ {answer}"), "the answer is shown whole, not cut"
    assert "…" not in question.text and utf16_length(question.text) <= 4096
    assert ana.last.text.startswith("Question 2/2")
