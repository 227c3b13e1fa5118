"""The codebook: one row per export column, in the same order, saying what each holds."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exports import ExportOptions, load_codebook, run_export
from exports.codebook import describe_condition
from flows import Flow, Kind
from tests.conftest import MINI
from tests.exports.conftest import Filled, Other, Survey, invoke, read_csv

TEXT_KINDS = {"code", "text", "long_text", "email"}
"""The kinds docs/analysts.md says to read as text."""


@pytest.mark.parametrize("flags", [(), ("--joined",), ("--labels", "--lang", "en")])
def test_codebook_rows_match_the_columns(
    filled: Filled, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    book = tmp_path / "codebook.csv"
    out = tmp_path / "responses.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "-o", out, "--codebook", book, *flags)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    columns = list(read_csv(out.read_bytes()).columns)
    codebook = read_csv(book.read_bytes())
    assert list(codebook["column"]) == columns
    assert list(codebook.columns) == [
        "column",
        "question_id",
        "section",
        "question_fr",
        "question_en",
        "kind",
        "codes_and_labels",
        "note",
    ]


def test_codebook_content(filled: Filled, mini: Flow) -> None:
    book = load_codebook(mini, filled.path, joined=True).set_index("column")
    assert book.loc["response_key", "kind"] == "metadata"
    assert "not the Telegram id" in book.loc["response_key", "note"]
    sector = book.loc["sector"]
    assert (sector["question_id"], sector["section"], sector["kind"]) == (
        "sector",
        "Entreprise",
        "single_choice",
    )
    assert (sector["question_fr"], sector["question_en"]) == ("Secteur ?", "Sector?")
    assert (
        sector["codes_and_labels"]
        == "industry=Industrie; services=Services; other=Autre (précisez)"
    )
    assert book.loc["markets__eu", "codes_and_labels"] == "0=not selected; 1=selected"
    assert "Shown only if exports = yes" in book.loc["markets__eu", "note"]
    assert book.loc["markets", "codes_and_labels"].startswith("eu=Europe; asia=Asie")
    assert (
        book.loc["importance", "codes_and_labels"]
        == "1=Faible; 2; 3; 4; 5=Forte; dont_know=Je ne sais pas"
    )
    assert "first 2" in book.loc["obstacles__skills", "note"]
    assert "Optional" in book.loc["ideas", "note"]
    assert "Unit: salariés" in book.loc["staff", "note"]
    assert "importance >= 4" in book.loc["email", "note"]
    # The text typed after "Other": a text column, whatever its question's kind.
    assert (book.loc["sector_other", "kind"], book.loc["markets_other", "kind"]) == ("text", "text")


async def test_other_texts_read_as_text_by_their_codebook_kind(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path
) -> None:
    """An analyst picks the text columns from the codebook's kind, as the guide says: the
    "Other" texts are among them, so a typed "01" stays "01" and not the number 1."""
    typed = await survey.respond(
        mini,
        {
            "company": "Zéro Un",
            "staff": 5,
            "sector": Other("other", "01"),
            "exports": "yes",
            "markets": Other(["other"], "0033"),
            "share": 3,
            "importance": 2,
            "obstacles": ["cost", "time"],
            "ideas": "Rien",
        },
    )
    out, book, xlsx = tmp_path / "r.csv", tmp_path / "codebook.csv", tmp_path / "r.xlsx"
    result = invoke("--db", db_path, "--flow", MINI, "-o", out, "--codebook", book, "--xlsx", xlsx)
    assert result.exit_code == 0, result.output

    codebook = pd.read_csv(book, dtype=str)
    kinds = dict(zip(codebook["column"], codebook["kind"], strict=True))
    assert (kinds["sector_other"], kinds["markets_other"]) == ("text", "text")
    as_text = {column: str for column, kind in kinds.items() if kind in TEXT_KINDS}
    row = pd.read_csv(out, dtype=as_text).set_index("response_key").loc[typed.key]
    assert (row["sector"], row["sector_other"]) == ("other", "01")
    assert (row["markets__other"], row["markets_other"]) == (1, "0033")

    sheet = openpyxl.load_workbook(xlsx)["codebook"]
    header, *rows = sheet.iter_rows(values_only=True)
    in_book = {line[0]: line[header.index("kind")] for line in rows}
    assert (in_book["sector_other"], in_book["markets_other"]) == ("text", "text")
    assert in_book["sector"] == "single_choice"


def test_the_bundled_other_texts_are_text() -> None:
    book = load_codebook(joined=True).set_index("column")
    others = [column for column in book.index if column.endswith("_other") and "__" not in column]
    assert {"sector_other", "innovation_kinds_other"} <= set(others)
    assert set(book.loc[others, "kind"]) == {"text"}
    assert book.loc["innovation_kinds__other", "kind"] == "multiple_choice"


def test_codebook_in_english_labels(mini: Flow) -> None:
    book = load_codebook(mini, lang="en").set_index("column")
    assert book.loc["sector", "section"] == "Company"
    assert book.loc["exports", "codes_and_labels"] == "yes=Yes; no=No; dont_know=Don’t know"


def test_long_codebook_describes_the_columns_then_each_question(
    filled: Filled, mini: Flow, tmp_path: Path
) -> None:
    book_path = tmp_path / "codebook.csv"
    run_export(filled.path, mini, ExportOptions(layout="long"), codebook=book_path)
    book = read_csv(book_path.read_bytes())
    assert list(book["column"][:15]) == [
        "response_key",
        "stage_code",
        "stage_region",
        "channel",
        "question_id",
        "value",
        "other_text",
        "answered_at",
        "status",
        "response_status",
        "answer_flow_version",
        "flow_id",
        "stage_city",
        "stage_territory",
        "stage_date",
    ]
    per_question = book[15:]
    assert set(per_question["column"]) == {"value"}
    assert list(per_question["question_id"]) == [
        "company", "staff", "sector", "exports", "markets", "share",
        "importance", "obstacles", "ideas", "email",
    ]  # fmt: skip
    status = book.set_index("column").loc["status"]
    assert (
        "skipped" in status.iloc[0]["codes_and_labels"]
        if status.ndim > 1
        else "skipped" in status["codes_and_labels"]
    )


def test_conditions_in_words(mini: Flow) -> None:
    share = mini.step("share")
    assert share.show_if is not None
    assert describe_condition(share.show_if) == "(exports = yes and not (markets = none))"
    # markets is a multiple choice: the condition holds when its answer includes "none".
    assert describe_condition(share.show_if, {"markets"}) == (
        "(exports = yes and not (markets includes none))"
    )


def test_a_condition_on_a_multiple_choice_reads_includes(mini: Flow) -> None:
    """ "markets = none" read as if one code were the whole answer; it means "includes none"."""
    note = load_codebook(mini).set_index("column").loc["share", "note"]
    assert "Shown only if (exports = yes and not (markets includes none)); empty otherwise." in note


def test_question_texts_read_without_placeholders(mini: Flow) -> None:
    """A piped name reads as a respondent without one saw it, and the note says so."""
    bundled = load_codebook().set_index("column")
    assert bundled.loc["headcount", "question_fr"] == (
        "Combien de salariés compte votre entreprise\u00a0?"
    )
    assert bundled.loc["headcount", "question_en"] == ("How many employees does your company have?")
    assert "Personalised" in bundled.loc["headcount", "note"]
    assert not bundled["question_fr"].str.contains("{", regex=False).any()
    # Without a fallback in the flow, the name is an ellipsis, as `stats` shows it.
    staff = load_codebook(mini).set_index("column").loc["staff"]
    assert (staff["question_fr"], staff["question_en"]) == ("Salariés de … ?", "Staff at …?")
    assert "Personalised" not in load_codebook(mini).set_index("column").loc["sector", "note"]


def test_the_guide_lists_every_kind_of_question() -> None:
    """docs/analysts.md names each kind the codebook's `kind` column can hold."""
    guide = (Path(__file__).parents[2] / "docs" / "analysts.md").read_text(encoding="utf-8")
    described = guide.split("## The codebook", 1)[1].split("## In Python", 1)[0]
    for kind in [*(k.value for k in Kind if k is not Kind.INFO), "metadata", "unknown"]:
        assert f"`{kind}`" in described, kind


def test_long_codebook_describes_value_and_other_text_as_its_columns(
    filled: Filled, tmp_path: Path
) -> None:
    """The long layout's own columns are described as columns, not as unknown questions."""
    book_path = tmp_path / "cbl.csv"
    args = ("--layout", "long", "--codebook", book_path, "-o", tmp_path / "l.csv")
    assert invoke("--db", filled.path, "--flow", MINI, *args).exit_code == 0
    from_file = read_csv(book_path.read_bytes())
    from_pandas = load_codebook(MINI, layout="long").fillna("")
    for book in (from_file, from_pandas):
        columns = book[book["question_id"] == ""].set_index("column")
        assert set(columns["kind"]) == {"metadata"}
        assert not columns["note"].str.contains("Not in the current flow file").any()
        value = columns.loc["value", "note"]
        for said in ("joined by ';'", "in the order they were picked", "rank order"):
            assert said in value
        assert "Empty when status is skipped" in value and "no row" in value
        assert "Other, please specify" in columns.loc["other_text", "note"]


def test_long_codebook_says_how_each_question_is_coded(mini: Flow) -> None:
    """Per question: a hidden question has no row (not an empty cell), a skip is a status."""
    book = load_codebook(mini, layout="long").set_index("question_id")
    assert "in the order they were picked" in book.loc["markets", "note"]
    assert "Shown only if exports = yes; no row otherwise." in book.loc["markets", "note"]
    assert "rank order" in book.loc["obstacles", "note"]
    assert "status skipped" in book.loc["ideas", "note"]
    assert "empty otherwise" not in " ".join(book.drop(index="")["note"])
    assert "other_text" in book.loc["sector", "note"]


def test_codes_that_look_like_numbers_are_flagged_as_text() -> None:
    """A département code such as 01 must be read as text: the codebook tells the reader."""
    book = load_codebook().set_index("column")  # the bundled questionnaire
    assert book.loc["departement", "kind"] == "code"
    assert book.loc["departement", "note"].startswith(
        "Codes are text: read this column as text, or 01 becomes 1 (Excel does so when it "
        "opens a CSV file; the workbook, --xlsx, keeps 01)."
    )
    # With labels the cells are names (Ain), which no reader takes for numbers.
    labelled = load_codebook(labels=True).set_index("column")
    assert "Codes are text" not in labelled.loc["departement", "note"]
    # Either way the note says where the list comes from: its file's `source`.
    for read in (book, labelled):
        assert read.loc["departement", "note"].endswith(
            "List: INSEE, Code officiel géographique 2024."
        )
