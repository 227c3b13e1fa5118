"""A multiple choice that takes one answer at most says so in the singular: "une seule
réponse", not "au plus 1 réponses", tapped on Telegram or ticked all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from flows.values import Invalid, check_value
from tests.flows.test_engine import Chat

ONE = """\
id: one
version: 1
title: {fr: "Un", en: "One"}
languages: [fr, en]
sections:
  - id: s
    title: {fr: "S", en: "S"}
    steps:
      - id: lead
        type: multiple_choice
        text: {fr: "Le principal ?", en: "The main one?"}
        max_selected: 1
        choices:
          - {code: a, label: {fr: A, en: A}}
          - {code: b, label: {fr: B, en: B}}
          - {code: none, label: {fr: Aucun, en: None}, exclusive: true}
"""


@pytest.fixture
def one(tmp_path: Path) -> Flow:
    path = tmp_path / "one.yaml"
    path.write_text(ONE, encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Vous pouvez choisir une seule réponse\u00a0; vous en avez choisi 2."),
        ("en", "You can choose only one answer; you chose 2."),
    ],
)
def test_two_ticked_at_once(one: Flow, lang: str, said: str) -> None:
    assert check_value(one, one.step("lead"), ["a", "b"], lang) == Invalid(said)


def test_a_second_tap(one: Flow) -> None:
    chat = Chat(one)
    assert chat.current == "lead"
    chat.ok(chat.toggle("a"))
    assert chat.toggle("b") == "Vous pouvez choisir une seule réponse."
    assert chat.selected() == ("a",)
