"""A count typed for a choice of bands: "12" answers "10 à 49" when the choices say so.

A choice may declare the whole numbers it stands for (`range: [10, 49]`,
`[250, null]`). Every wrong range is in golden/choice_range.yaml, reported with
the rest of a file's problems; here, what a respondent typing a number sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversation import Conversation, canonical_content
from flows import (
    FlowFileError,
    ResponseState,
    answer_text,
    bundled_path,
    load_flow,
    prompt,
)
from flows.model import SingleChoiceStep
from flows.values import read_choice
from storage import Store
from tests.conftest import Clock

QUESTIONNAIRE = bundled_path("questionnaire.yaml")
FLOW = load_flow(QUESTIONNAIRE)
USE_BUTTONS = {
    "fr": "Merci de répondre avec les boutons proposés.",
    "en": "Please answer with the buttons offered.",
}
HEADCOUNT_REFUSAL = {
    "fr": "Merci de choisir l’une des réponses proposées («\u00a0Aucun salarié\u00a0», «\u00a01 à 9\u00a0», "
    "«\u00a010 à 49\u00a0», «\u00a050 à 249\u00a0», «\u00a0250 ou plus\u00a0») ou d’écrire un nombre entier.",
    "en": "Please choose one of the answers offered (“No employees”, “1 to 9”, “10 to 49”, "
    "“50 to 249”, “250 or more”) or type a whole number.",
}


def on(step_id: str, **answers: object) -> ResponseState:
    """A response waiting on `step_id`, with the company's name given."""
    given = {"company_name": "Ateliers Réunis", **answers}
    return ResponseState.model_validate(
        {"current": step_id, "answers": given, "history": list(given)}
    )


# --- reading a count ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang", "band"),
    [
        ("12", "fr", "h10_49"),
        ("12 salariés", "fr", "h10_49"),
        ("12 Salariés.", "fr", "h10_49"),
        ("environ 12", "fr", "h10_49"),
        ("à peu près 12", "fr", "h10_49"),
        ("~12", "fr", "h10_49"),
        ("12 employees", "en", "h10_49"),
        ("about 12", "en", "h10_49"),
        ("0", "fr", "h0"),
        ("1", "fr", "h1_9"),
        ("9", "fr", "h1_9"),
        ("10", "fr", "h10_49"),
        ("49", "fr", "h10_49"),
        ("50", "fr", "h50_249"),
        ("249", "fr", "h50_249"),
        ("250", "fr", "h250_plus"),
        ("1000", "fr", "h250_plus"),
        ("1 000", "fr", "h250_plus"),
        ("1,000", "en", "h250_plus"),
        # A label or code typed is still read as one, before any number.
        ("10 à 49", "fr", "h10_49"),
        ("aucun salarié", "fr", "h0"),
    ],
)
def test_a_typed_count_names_the_band_that_holds_it(typed: str, lang: str, band: str) -> None:
    assert read_choice(FLOW, FLOW.step("headcount"), typed, lang) == band


@pytest.mark.parametrize(
    "typed",
    [
        "12,5",
        "12.5",
        "-3",
        "999999999999999999999",
        "12 personnes",  # not a word of the question: what was counted is unclear
        "12 à 15",
        "beaucoup",
        "",
    ],
)
def test_a_decimal_a_negative_or_junk_names_no_band(typed: str) -> None:
    assert read_choice(FLOW, FLOW.step("headcount"), typed, "fr") is None


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("typed", ["12,5", "-3", "999999999999999999999", "beaucoup"])
def test_a_refused_count_is_told_which_buttons_to_use_and_stores_nothing(
    typed: str, lang: str
) -> None:
    state = on("headcount")

    outcome = answer_text(FLOW, state, typed, lang)

    assert outcome.error == HEADCOUNT_REFUSAL[lang]
    assert outcome.state == state


def test_a_count_in_no_range_is_refused_like_one_that_is_not_a_count(tmp_path: Path) -> None:
    path = tmp_path / "gaps.yaml"
    path.write_text(GAPS, encoding="utf-8")
    flow = load_flow(path)
    state = ResponseState(current="staff")

    assert answer_text(flow, state, "12", "fr").state.answers == {"staff": "small"}
    refused = answer_text(flow, state, "60", "fr")
    assert refused.error == (
        "Merci de choisir l’une des réponses proposées («\u00a010 à 49\u00a0», «\u00a0250 ou plus\u00a0», "
        "«\u00a0Ne sait pas\u00a0») ou d’écrire un nombre entier."
    )
    assert refused.state == state
    # A choice without a range is still named by its label.
    assert answer_text(flow, state, "ne sait pas", "fr").state.answers == {"staff": "dk"}


GAPS = """\
id: gaps
version: 1
title: Gaps
sections:
  - id: main
    title: Main
    steps:
      - id: staff
        type: single_choice
        text: "Combien de salariés ?"
        choices:
          - {code: small, label: "10 à 49", range: [10, 49]}
          - {code: big, label: "250 ou plus", range: [250, null]}
          - {code: dk, label: "Ne sait pas"}
"""


# --- questions without ranges -------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("typed", ["5", "12", "12,5", "1 500 000"])
def test_a_number_typed_on_bands_without_ranges_is_refused_as_before(typed: str, lang: str) -> None:
    # Turnover bands are in M€: a typed "5" could be euros or millions.
    state = on("turnover", headcount="h10_49", in_group="no")
    assert FLOW.step("turnover").type == "single_choice"

    outcome = answer_text(FLOW, state, typed, lang)

    assert outcome.error == USE_BUTTONS[lang]
    assert outcome.state == state


def test_only_the_headcount_bands_of_the_bundled_flows_have_ranges() -> None:
    ranged = {
        (flow.id, step.id)
        for flow in (FLOW, load_flow(bundled_path("acteurs.yaml")))
        for step in flow.steps()
        if isinstance(step, SingleChoiceStep) and any(c.range for c in step.choices)
    }
    assert ranged == {("tour_innovation_2019", "headcount")}
    assert [c.range for c in FLOW.step("headcount").choices] == [  # type: ignore[union-attr]
        (0, 0),
        (1, 9),
        (10, 49),
        (50, 249),
        (250, None),
    ]


# --- the engine ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_twelve_typed_on_the_headcount_answers_10_to_49_and_moves_on(lang: str) -> None:
    state = on("headcount")
    shown = prompt(FLOW, state, lang)
    assert shown is not None and shown.step_id == "headcount"

    outcome = answer_text(FLOW, state, "12", lang)

    assert outcome.accepted
    assert outcome.state.answers["headcount"] == "h10_49"
    assert outcome.state.current == "in_group"
    assert outcome.state.seq == state.seq + 1


# --- the file -----------------------------------------------------------------------


def test_range_problems_come_with_the_other_problems_of_the_file(tmp_path: Path) -> None:
    text = GAPS.replace("range: [250, null]", "range: [40, null]") + (
        "      - id: staff\n        type: text\n        text: Again\n"
    )
    path = tmp_path / "gaps.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FlowFileError) as caught:
        load_flow(path)

    assert [(p.line, p.where, p.message) for p in caught.value.problems] == [
        (
            13,
            "question 'staff'",
            "range [40, null] of 'big' overlaps range [10, 49] of 'small': "
            "a typed number would name both",
        ),
        (15, "question 'staff'", "duplicate question id 'staff'"),
    ]


# --- versions -----------------------------------------------------------------------


def without_ranges(text: str) -> str:
    return re.sub(r"\n *range: \[[^\]]*\]", "", text)


async def test_a_database_started_before_the_ranges_runs_the_flow_with_them(
    store: Store, clock: Clock, tmp_path: Path
) -> None:
    # The file as it was before the ranges, run first: its version is kept then.
    text = QUESTIONNAIRE.read_text(encoding="utf-8")
    old = tmp_path / "questionnaire.yaml"
    old.write_text(without_ranges(text), encoding="utf-8")
    assert old.read_text(encoding="utf-8") != text
    assert all(c.range is None for c in load_flow(old).step("headcount").choices)  # type: ignore[union-attr]
    await Conversation(store, load_flow(old), [], clock=clock).sync_with_files()

    # The same version with ranges starts: no "the questions changed, bump `version`".
    clock.tick(3600)
    await Conversation(store, FLOW, [], clock=clock).sync_with_files()

    [kept] = await store.flow_versions(FLOW.id)
    assert kept.version == FLOW.version
    assert kept.content == canonical_content(FLOW) == canonical_content(load_flow(old))
