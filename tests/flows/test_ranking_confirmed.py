"""A ranking built by taps is saved on "Valider", not on its last rank.

Saved on the last rank, a mis-tap there could not be taken back though the hint says
"Touchez à nouveau pour retirer", and ranking 3 items of 3 meant tapping the one left.
Now the full order waits for `confirm`, and the one item left for the last rank of a
whole ranking takes it by itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, ResponseState, confirm, load_flow, message, start, toggle

FLOW = """\
id: priorities
version: 1
languages: [fr, en]
title: {fr: "Priorités", en: "Priorities"}
sections:
  - id: s1
    title: {fr: "Vos priorités", en: "Priorities"}
    steps:
      - id: whole
        type: ranking
        text: {fr: "Classez ces trois sujets.", en: "Rank these three topics."}
        choices:
          - {code: cost, label: {fr: "Coût", en: "Cost"}}
          - {code: time, label: {fr: "Temps", en: "Time"}}
          - {code: skills, label: {fr: "Compétences", en: "Skills"}}
      - id: top
        type: ranking
        top: 2
        required: false
        text: {fr: "Vos deux premières priorités ?", en: "Your first two priorities?"}
        choices:
          - {code: hire, label: {fr: "Recruter", en: "Hiring"}}
          - {code: export, label: {fr: "Exporter", en: "Exporting"}}
          - {code: digital, label: {fr: "Numérique", en: "Digital"}}
      - id: after
        type: yes_no
        text: {fr: "Et après ?", en: "And then?"}
"""


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    path: Path = tmp_path_factory.mktemp("flow") / "priorities.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


def tapped(flow: Flow, state: ResponseState, *codes: str) -> ResponseState:
    for code in codes:
        outcome = toggle(flow, state, code, "fr", ticked=code not in (state.draft or ()))
        assert outcome.accepted, outcome.error
        state = outcome.state
    return state


def test_the_last_item_takes_the_last_rank_and_waits_for_valider(flow: Flow) -> None:
    state = tapped(flow, start(flow), "time", "skills")
    assert (state.current, state.draft) == ("whole", ["time", "skills", "cost"])
    assert "whole" not in state.answers

    done = confirm(flow, state, "fr")
    assert done.accepted
    assert (done.state.answers["whole"], done.state.current) == (["time", "skills", "cost"], "top")


def test_the_last_rank_can_be_taken_back_and_given_to_another(flow: Flow) -> None:
    state = tapped(flow, start(flow), "time", "skills", "cost")  # "Coût" filled in: taken back
    assert state.draft == ["time", "skills"]
    state = tapped(flow, state, "skills")  # "Compétences" too: two ranks left open
    assert state.draft == ["time"]
    state = tapped(flow, state, "cost")
    assert state.draft == ["time", "cost", "skills"]


def test_a_part_ranking_is_not_filled_in_and_is_not_taken(flow: Flow) -> None:
    whole = tapped(flow, start(flow), "cost", "time")
    state = confirm(flow, whole, "fr").state
    state = tapped(flow, state, "digital")
    assert state.draft == ["digital"]  # two of three to rank: nothing is certain yet
    refused = confirm(flow, state, "fr")
    assert refused.error == message("rank_count", "fr", count=2)
    assert refused.state == state
    state = tapped(flow, state, "hire")
    assert state.draft == ["digital", "hire"]
    over = toggle(flow, state, "export", "fr", ticked=True)  # from a copy drawn before
    assert over.error == message("ranked_full", "fr", count=2)
    assert over.state == state
    done = confirm(flow, state, "fr")
    assert (done.state.answers["top"], done.state.current) == (["digital", "hire"], "after")


def test_valider_with_nothing_ranked_skips_an_optional_ranking(flow: Flow) -> None:
    state = confirm(flow, tapped(flow, start(flow), "cost", "time"), "fr").state
    done = confirm(flow, state, "fr")
    assert done.accepted
    assert (done.state.current, "top" in done.state.answers) == ("after", False)
