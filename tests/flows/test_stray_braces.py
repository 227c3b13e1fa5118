"""A brace that pipes nothing is shown to respondents as typed: `validate` warns of it.

A piped answer is `{question_id}`; `{ company }`, `{Company}`, `{company ?` or `{}`
would read as written, braces and all, in the middle of a question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import bundled_path, load_flow, prompt, validate_file
from flows.engine import acknowledge, answer, start
from tests.flows.test_organiser_slips import mini_with

SECTOR = 'text: {fr: "Secteur ?", en: "Sector?"}'


@pytest.mark.parametrize(
    ("written", "shown", "lang"),
    [
        ('{fr: "Secteur de { company } ?", en: "Sector?"}', "{ company }", "fr"),
        ('{fr: "Secteur ?", en: "Sector of {Company}?"}', "{Company}", "en"),
        ('{fr: "Secteur de {company ?", en: "Sector?"}', "{company ?", "fr"),
        ('{fr: "Secteur {} ?", en: "Sector?"}', "{}", "fr"),
        ('{fr: "Secteur de company} ?", en: "Sector?"}', "}", "fr"),
    ],
)
def test_a_brace_that_pipes_nothing_is_warned_of_at_its_line(
    tmp_path: Path, written: str, shown: str, lang: str
) -> None:
    path = mini_with(tmp_path, SECTOR, f"text: {written}")

    [problem] = validate_file(path)

    assert problem.warning and problem.line == 27 and problem.where == "question 'sector'"
    assert problem.message.startswith(f"'{shown}' is shown to respondents as typed")
    assert "{question_id}" in problem.message
    # A warning, not a refusal: the flow runs, and the question reads as the file has it.
    flow = load_flow(path)
    state = acknowledge(flow, start(flow), lang).state
    for value in ("Acme", 12):
        state = answer(flow, state, value, lang).state
    asked = prompt(flow, state, lang)
    assert asked is not None and shown in asked.text


def test_real_pipes_and_the_bundled_flows_are_not_warned_of(tmp_path: Path) -> None:
    piped = mini_with(tmp_path, SECTOR, 'text: {fr: "Secteur de {company|votre entreprise} ?", '
                      'en: "Sector of {company}?"}')  # fmt: skip
    assert validate_file(piped) == []
    for name in ("questionnaire.yaml", "acteurs.yaml"):
        assert [p for p in validate_file(bundled_path(name)) if "braces" in p.message] == []


@pytest.mark.parametrize(
    ("old", "new", "line", "where"),
    [
        ("{fr: Entreprise, en: Company}", '{fr: "Entreprise {company}", en: Company}', 10,
         "section 'about'"),
        ("{fr: Industrie, en: Industry}", '{fr: "Industrie de {company}", en: Industry}', 30,
         "question 'sector'"),
    ],
    ids=["section title", "choice label"],
)  # fmt: skip
def test_a_pipe_where_nothing_is_piped_is_warned_of(
    tmp_path: Path, old: str, new: str, line: int, where: str
) -> None:
    """Titles and choices' labels are shown as written: `{company}` there reads as typed."""
    [problem] = validate_file(mini_with(tmp_path, old, new))

    assert problem.warning and (problem.line, problem.where) == (line, where)
    assert problem.message.startswith("'{company}' is shown to respondents as typed")
    assert problem.message.endswith("not here")
