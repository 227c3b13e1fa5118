"""docs/analysts.md's recipe for Stata runs as written on a real export of the bundled
questionnaire, and the file it writes reads back as the codebook says.

Left to themselves, pandas' `to_stata` refuses a time zone and a text column no one
answered, numbers a rating's answers from 0, and cuts (with a warning) a column name
past Stata's 32 characters, which no longer matches the codebook. The recipe is taken
from the page itself, so the page cannot drift from what runs. The workbook read back in
pandas as the page says keeps texts that look like numbers or missing values.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest

from exports import ExportOptions, load_codebook, run_export
from flows import Flow, Kind, acknowledge, answer, bundled_path, load_flow, prompt, start
from tests.conftest import MINI
from tests.exports.conftest import Survey

ANALYSTS = Path(__file__).parents[2] / "docs" / "analysts.md"
EXCEL_READING = (
    'pd.read_excel(path, sheet_name="responses", dtype=str, keep_default_na=False, na_values=[""])'
)


def recipe() -> str:
    """The Python block of the page's "For Stata" section."""
    section = ANALYSTS.read_text(encoding="utf-8").split("\n## For Stata\n", 1)[1]
    found = re.search(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.DOTALL)
    assert found is not None, "docs/analysts.md: no Python block under 'For Stata'"
    return found.group(1)


def everything(flow: Flow, given: Mapping[str, object]) -> dict[str, object]:
    """An answer to every question a respondent giving `given` is asked: the first
    choice, or a plausible value, where `given` says nothing."""
    state, script = start(flow), {}
    while (shown := prompt(flow, state, "fr")) is not None:
        step = flow.step(shown.step_id)
        codes = [code for code, _ in shown.choices]
        default: object = {
            Kind.MULTIPLE_CHOICE: codes[:1],
            Kind.NUMBER: getattr(step, "min", None) or 3,
            Kind.CODE: "01",
            Kind.EMAIL: "dirigeant@example.org",
            Kind.TEXT: "texte",
            Kind.LONG_TEXT: "texte",
        }.get(shown.kind, codes[0] if codes else None)
        if shown.kind == Kind.INFO:
            outcome = acknowledge(flow, state, "fr")
        else:
            script[shown.step_id] = given.get(shown.step_id, default)
            outcome = answer(flow, state, script[shown.step_id], "fr")
        assert outcome.accepted, (shown.step_id, outcome.error)
        state = outcome.state
    return script


@pytest.fixture
async def answered(survey: Survey) -> Flow:
    """Two finished responses to the bundled questionnaire: ratings given and "don't
    know", a text typed as "NA", another "-2", every "Other" text left unanswered."""
    flow = load_flow(bundled_path("questionnaire.yaml"))
    first = {"works_abroad": "yes", "training_ice": "4", "talent_ideas": "NA"}
    await survey.respond(flow, everything(flow, first))
    second = {"works_abroad": "yes", "training_ice": "dont_know", "talent_ideas": "-2"}
    await survey.respond(flow, everything(flow, second))
    return flow


def test_the_recipe_writes_a_file_stata_reads_as_the_codebook_says(
    answered: Flow, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = recipe().replace(
        'load_responses("surveybot.sqlite3")', f"load_responses({str(db_path)!r})"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a name cut short would warn (InvalidColumnName)
        exec(compile(code, str(ANALYSTS), "exec"), {})

    back = pd.read_stata(tmp_path / "responses.dta", convert_categoricals=False)
    assert list(back.columns) == list(load_codebook(answered, db_path).column)
    assert back.training_ice.tolist() == [4, 99]  # the rating's number; "don't know" 99
    assert back.talent_ideas.tolist() == ["NA", "-2"]
    assert back.role_other.tolist() == ["", ""]  # an "Other" no one chose
    assert back.innovation_kinds__product.notna().all()
    assert back.started_at.dt.year.tolist() == [2019, 2019]
    with pd.io.stata.StataReader(tmp_path / "responses.dta") as reader:
        labels = reader.value_labels()
    assert labels["training_ice"] == {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", 99: "dont_know"}
    assert labels["innov_spend_plan"][98] == "not_applicable"


async def test_a_scale_with_dont_know_keeps_its_numbers(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's example flow: `importance`, a `scale` with "don't know", which
    `load_responses` gives as the categories 1, …, 5 (numbers) and "dont_know"."""
    for importance in (1, 5, "dont_know"):
        given = {"importance": importance, "obstacles": ["cost", "time"]}
        await survey.respond(mini, everything(mini, given))
    monkeypatch.chdir(tmp_path)
    code = recipe().replace(
        'load_responses("surveybot.sqlite3")', f"load_responses({str(db_path)!r}, {str(MINI)!r})"
    )
    exec(compile(code, str(ANALYSTS), "exec"), {})

    back = pd.read_stata(tmp_path / "responses.dta", convert_categoricals=False)
    assert back.importance.tolist() == [1, 5, 99]
    with pd.io.stata.StataReader(tmp_path / "responses.dta") as reader:
        labels = reader.value_labels()
    assert labels["importance"] == {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", 99: "dont_know"}


def test_the_workbook_read_as_the_page_says_keeps_its_texts(
    answered: Flow, db_path: Path, tmp_path: Path
) -> None:
    assert EXCEL_READING in ANALYSTS.read_text(encoding="utf-8")
    path = tmp_path / "tour.xlsx"
    run_export(db_path, answered, ExportOptions(), xlsx=path)
    read = pd.read_excel(
        path, sheet_name="responses", dtype=str, keep_default_na=False, na_values=[""]
    )
    assert read.talent_ideas.tolist() == ["NA", "-2"]
    assert read.departement.tolist() == ["01", "01"]
    assert read.role_other.isna().all()  # only an empty cell is missing
