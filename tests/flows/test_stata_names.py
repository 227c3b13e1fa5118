"""A wide-export column longer than Stata takes (32 characters) is warned of by `validate`.

`<id>__<code>` can reach 42 characters (ids at most 24 bytes, codes 16): Stata refuses
such a file, and pandas' `to_stata` cuts the name silently, so that it no longer matches
the codebook's. `validate` says so at the choice's code, naming the question, the column
and how to shorten it; a warning, not an error, so a flow that runs goes on starting. The
bundled questionnaires keep every column within 32.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import bundled_path, load_flow, validate_file
from flows.export_names import column_names

HEAD = """\
id: long_names
version: 1
title: T
sections:
  - id: s1
    title: S
    steps:
"""


def said(tmp_path: Path, steps: str) -> list[str]:
    path = tmp_path / "long.yaml"
    path.write_text(HEAD + steps, encoding="utf-8")
    return [str(problem) for problem in validate_file(path)]


def test_a_choice_column_past_32_characters_is_warned_of_at_its_code(tmp_path: Path) -> None:
    steps = """\
      - id: innovation_levers
        type: multiple_choice
        text: Leviers ?
        other: true
        choices:
          - {code: customers, label: Clients}
          - code: public_funding
            label: Aides publiques
"""
    assert said(tmp_path, steps) == [
        f"{tmp_path / 'long.yaml'}:14: warning: question 'innovation_levers': its export "
        "column 'innovation_levers__public_funding' has 33 characters, past the 32 Stata "
        "allows in a name (SPSS allows 64): Stata would refuse the wide export; shorten the "
        "choice code 'public_funding' to 13 characters or fewer, or the question id "
        "'innovation_levers'"
    ]
    load_flow(tmp_path / "long.yaml")  # a warning: the flow still runs


def test_a_ranking_is_warned_of_each_item_and_32_characters_are_fine(tmp_path: Path) -> None:
    steps = """\
      - id: priorities_of_the_region
        type: ranking
        text: Priorités ?
        top: 2
        choices:
          - {code: routes, label: Routes}
          - {code: housing, label: Logement}
          - {code: schools_and_more, label: Écoles}
"""
    path = tmp_path / "long.yaml"
    warnings = said(tmp_path, steps)
    assert [line.split(": warning: ")[0] for line in warnings] == [f"{path}:14", f"{path}:15"]
    assert "column 'priorities_of_the_region__housing' has 33 characters" in warnings[0]
    assert "shorten the choice code 'housing' to 6 characters or fewer" in warnings[0]
    assert "'priorities_of_the_region__schools_and_more' has 42 characters" in warnings[1]
    # `<id>__routes` is 32 characters: Stata takes it.
    assert not any("__routes" in line for line in warnings)


def test_a_single_choice_or_an_other_text_never_is(tmp_path: Path) -> None:
    """Their columns are `<id>` and `<id>_other`: 30 characters at most."""
    steps = """\
      - id: a_question_id_of_24_byte
        type: single_choice
        text: Choix ?
        other: true
        choices:
          - {code: sixteen_bytes_ab, label: Un}
          - {code: b, label: Deux}
"""
    assert said(tmp_path, steps) == []


@pytest.mark.parametrize("name", ["questionnaire.yaml", "acteurs.yaml"])
def test_every_bundled_column_fits_in_a_stata_name(name: str) -> None:
    flow = load_flow(bundled_path(name))
    names = [column for step in flow.steps() for column, _ in column_names(step)]
    assert [column for column in names if len(column) > 32] == []
    assert not [problem for problem in validate_file(bundled_path(name)) if problem.warning]
