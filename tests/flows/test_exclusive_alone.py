"""An exclusive choice ("None of these") alone answers a multiple choice whatever `min_selected` says.

A question "Your two main obstacles?" (`min_selected: 2`) with "No obstacle"
(`exclusive: true`): ticking another choice clears the exclusive one, so a
respondent with no obstacle to name could only ever send it alone, and it must
be taken.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, confirm, load_flow, prompt, start, toggle
from flows.values import Invalid, check_value

FLOW = """\
id: obstacles
version: 1
languages: [fr, en]
title: {fr: "Freins", en: "Obstacles"}
sections:
  - id: s1
    title: {fr: "Vos freins", en: "Obstacles"}
    steps:
      - id: freins
        type: multiple_choice
        min_selected: 2
        text: {fr: "Vos deux principaux freins ?", en: "Your two main obstacles?"}
        choices:
          - {code: cout, label: {fr: "Coût", en: "Cost"}}
          - {code: temps, label: {fr: "Temps", en: "Time"}}
          - {code: competences, label: {fr: "Compétences", en: "Skills"}}
          - {code: aucun, label: {fr: "Aucun frein", en: "No obstacle"}, exclusive: true}
      - id: after
        type: yes_no
        text: {fr: "Et après ?", en: "And then?"}
"""


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    path: Path = tmp_path_factory.mktemp("flow") / "obstacles.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_exclusive_choice_alone_is_taken_by_taps(flow: Flow, lang: str) -> None:
    ticked = toggle(flow, start(flow), "aucun", lang)
    assert ticked.accepted, ticked.error
    done = confirm(flow, ticked.state, lang)
    assert done.accepted, done.error
    assert done.state.answers["freins"] == ["aucun"]
    shown = prompt(flow, done.state, lang)
    assert shown is not None and shown.step_id == "after"


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [
        ("fr", "Merci de choisir au moins 2\u00a0réponses."),
        ("en", "Please choose at least 2 answers."),
    ],
)
def test_one_plain_choice_is_still_too_few(flow: Flow, lang: str, refusal: str) -> None:
    ticked = toggle(flow, start(flow), "cout", lang)
    assert confirm(flow, ticked.state, lang).error == refusal


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [
        (
            "fr",
            "«\u00a0Aucun frein\u00a0» ne se combine pas avec d’autres réponses\u00a0: "
            "choisissez-la seule, ou seulement les autres.",
        ),
        (
            "en",
            "“No obstacle” cannot be combined with other answers: choose it alone, or only "
            "the others.",
        ),
    ],
)
def test_the_exclusive_choice_with_another_is_refused_for_what_it_is(
    flow: Flow, lang: str, refusal: str
) -> None:
    """Sent whole (a web form, a typed list): said as the mix it is, not as too few."""
    checked = check_value(flow, flow.step("freins"), ["aucun", "cout"], lang)
    assert isinstance(checked, Invalid) and checked.message == refusal


def test_a_whole_answer_of_the_exclusive_choice_alone_is_kept(flow: Flow) -> None:
    assert check_value(flow, flow.step("freins"), ["aucun"], "fr") == ["aucun"]
    assert check_value(flow, flow.step("freins"), ["cout", "temps"], "fr") == ["cout", "temps"]
