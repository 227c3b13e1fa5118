"""A key indented deeper than a line that already has its value (`type: number`, then
`text:` two spaces further) is said as an indentation slip, not as a text to quote:
the line holds no ': ' inside a text, so the quoting advice misled a first-time writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flows.test_newcomer_mistakes import validate

FLOW = """\
id: fablabs
version: 1
title: {fr: "Fablabs", en: "Fablabs"}
languages: [fr, en]
sections:
  - id: about
    title: {fr: "Vous", en: "You"}
    steps:
      - id: staff
        type: number
%s
"""
TEXT = 'text: {fr: "Combien de salariés ?", en: "How many employees?"}'


def test_a_key_indented_under_a_value_is_an_indentation_slip(tmp_path: Path) -> None:
    said = validate(tmp_path, FLOW % f"          {TEXT}")
    assert said == [
        "11: invalid YAML: this line is indented deeper than line 10 (`type: number`), which "
        "already has its value: indent it as 'type:' is (8 spaces)"
    ]


def test_a_text_holding_colon_space_still_gets_the_quoting_advice(tmp_path: Path) -> None:
    said = validate(tmp_path, FLOW % "        text: Combien de salariés : au total")
    assert said == [
        "11: invalid YAML: mapping values are not allowed here; quote a text that holds ': ' "
        '("Enquête : fablabs"), or check the indentation'
    ]


@pytest.mark.parametrize(
    "wrapped",
    [
        # A text wrapped onto a deeper line, which the parser reads as a key at its ':'.
        '        text: {fr: "Combien ?"}\n        help:\n          fr: Combien de salariés\n'
        "            avez-vous : au total ?",
        # Under a text: the line may carry it on, "Note: ..." being part of it.
        '        text: {fr: "Combien ?"}\n        help: Enquête sur les fablabs,\n'
        "          Note: une enquête",
    ],
    ids=["words-before-the-colon", "under-a-text"],
)
def test_a_wrapped_text_keeps_the_quoting_advice(tmp_path: Path, wrapped: str) -> None:
    said = validate(tmp_path, FLOW % wrapped)
    assert len(said) == 1 and said[0].endswith(
        "mapping values are not allowed here; quote a text that holds ': ' "
        '("Enquête : fablabs"), or check the indentation'
    ), said


def test_the_same_key_at_its_blocks_indentation_is_valid(tmp_path: Path) -> None:
    assert validate(tmp_path, FLOW % f"        {TEXT}") == []
