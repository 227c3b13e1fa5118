"""Two choices of one question with the same label: two buttons a respondent cannot tell apart.

`validate` warns (the flow still runs: each choice keeps its code), at the
second label's line, naming the question, both codes, the label and its language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import load_flow, validate_file

HEAD = """\
id: twins
version: 1
languages: [fr, en]
title: {fr: "Titre", en: "Title"}
sections:
  - id: s1
    title: {fr: "Section", en: "Section"}
    steps:
"""


def said(tmp_path: Path, steps: str, head: str = HEAD) -> list[str]:
    path = tmp_path / "twins.yaml"
    path.write_text(head + steps, encoding="utf-8")
    return [str(problem) for problem in validate_file(path)]


def test_the_same_label_in_both_languages_is_said_in_each(tmp_path: Path) -> None:
    steps = """\
      - id: dup_labels
        type: single_choice
        text: {fr: "Doublons ?", en: "Duplicates?"}
        choices:
          - {code: a, label: {fr: "Même", en: "Same"}}
          - {code: b, label: {fr: "Même", en: "Same"}}
"""
    assert said(tmp_path, steps) == [
        f"{tmp_path / 'twins.yaml'}:14: warning: question 'dup_labels': choices 'a' and 'b' "
        "have the same label 'Même' (fr): respondents cannot tell their buttons apart; "
        "reword one",
        f"{tmp_path / 'twins.yaml'}:14: warning: question 'dup_labels': choices 'a' and 'b' "
        "have the same label 'Same' (en): respondents cannot tell their buttons apart; "
        "reword one",
    ]
    load_flow(tmp_path / "twins.yaml")  # a warning: the flow still runs


def test_one_language_alike_case_and_spaces_aside(tmp_path: Path) -> None:
    steps = """\
      - id: tools
        type: multiple_choice
        text: {fr: "Outils ?", en: "Tools?"}
        choices:
          - code: saw
            label: {fr: "Scie", en: "Saw"}
          - code: jigsaw
            label:
              fr: "scie "
              en: "Jigsaw"
"""
    assert said(tmp_path, steps) == [
        f"{tmp_path / 'twins.yaml'}:17: warning: question 'tools': choices 'saw' and 'jigsaw' "
        "have the same label 'scie ' (fr): respondents cannot tell their buttons apart; "
        "reword one",
    ]


def test_a_plain_label_alike_is_said_once(tmp_path: Path) -> None:
    """A flow in one language writes its labels plainly: no language to name."""
    head = HEAD.replace("languages: [fr, en]\n", "")
    head = head.replace('{fr: "Titre", en: "Title"}', "T").replace(
        '{fr: "Section", en: "Section"}', "S"
    )
    steps = """\
      - id: rank_me
        type: ranking
        text: "Classez"
        choices:
          - {code: a, label: "X"}
          - {code: b, label: "x"}
"""
    assert said(tmp_path, steps, head) == [
        f"{tmp_path / 'twins.yaml'}:13: warning: question 'rank_me': choices 'a' and 'b' "
        "have the same label 'x': respondents cannot tell their buttons apart; reword one",
    ]


def test_the_bots_other_label_counts(tmp_path: Path) -> None:
    steps = """\
      - id: kind
        type: single_choice
        other: true
        text: {fr: "Genre ?", en: "Kind?"}
        choices:
          - {code: mine, label: {fr: "Autre (précisez)", en: "Mine"}}
          - {code: yours, label: {fr: "Vôtre", en: "Yours"}}
"""
    assert said(tmp_path, steps) == [
        f"{tmp_path / 'twins.yaml'}:11: warning: question 'kind': choices 'mine' and 'other' "
        "have the same label 'Autre (précisez)' (fr): respondents cannot tell their buttons "
        "apart; reword one",
    ]


@pytest.mark.parametrize(
    "other_label", ['{fr: "Vôtre", en: "Something else"}', '{fr: "Autre", en: "Yours"}']
)
def test_an_other_label_alike_is_said_at_its_line(tmp_path: Path, other_label: str) -> None:
    steps = f"""\
      - id: kind
        type: single_choice
        other: true
        text: {{fr: "Genre ?", en: "Kind?"}}
        choices:
          - {{code: mine, label: {{fr: "Mien", en: "Mine"}}}}
          - {{code: yours, label: {{fr: "Vôtre", en: "Yours"}}}}
        other_label: {other_label}
"""
    shown = "'Vôtre' (fr)" if "Vôtre" in other_label else "'Yours' (en)"
    assert said(tmp_path, steps) == [
        f"{tmp_path / 'twins.yaml'}:16: warning: question 'kind': choices 'yours' and 'other' "
        f"have the same label {shown}: respondents cannot tell their buttons apart; reword one",
    ]


def test_distinct_labels_say_nothing(tmp_path: Path) -> None:
    steps = """\
      - id: fine
        type: single_choice
        text: {fr: "Bien ?", en: "Fine?"}
        choices:
          - {code: a, label: {fr: "Même", en: "Same"}}
          - {code: b, label: {fr: "Autre", en: "Other"}}
"""
    assert said(tmp_path, steps) == []
