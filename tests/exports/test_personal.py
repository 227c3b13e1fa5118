"""Questions marked `personal: true` stay out of every export unless asked for.

The responses of `filled` (a company name, an e-mail, "other" texts) exported
with the mini flow whose `company` and `email` are marked personal: through
each path an analyst has (wide and long CSV, codebook, workbook, pandas, the
command line), by default and with the option.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conversation import keep_flow_versions
from exports import ExportOptions, load_codebook, load_responses, run_export
from flows import bundled_path, load_flow
from tests.exports.conftest import Filled, Survey, fill, invoke, read_csv
from tests.support.personal_flow import PERSONAL, write_personal_mini

# What acme typed for its personal questions: no export may hold it by default.
ACME_NAME = "Acme é à ç"
ACME_EMAIL = "a@b.fr"


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    return write_personal_mini(tmp_path)


def exported(filled: Filled, flow_file: Path, **options: object) -> tuple[bytes, bytes]:
    """The CSV and its codebook, as bytes."""
    data, book = io.BytesIO(), io.BytesIO()
    run_export(filled.path, flow_file, ExportOptions(**options), csv=data, codebook=book)  # type: ignore[arg-type]
    return data.getvalue(), book.getvalue()


def personal_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c.split("__")[0].removesuffix("_other") in PERSONAL]


def test_the_wide_csv_leaves_personal_questions_out_by_default(
    filled: Filled, flow_file: Path
) -> None:
    data, book = exported(filled, flow_file)
    table = read_csv(data)
    assert personal_columns(list(table.columns)) == []
    assert ACME_NAME.encode() not in data and ACME_EMAIL.encode() not in data
    # Everything else is there: the other answers, and the "other" texts.
    acme = table.set_index("response_key").loc[filled.acme.key]
    assert acme["staff"] == "42" and acme["sector_other"] == "Chimie fine"
    codebook = read_csv(book)
    assert list(codebook["column"]) == list(table.columns)
    assert not codebook["note"].str.contains("PERSONAL DATA").any()


def test_the_wide_csv_holds_them_when_asked_and_the_codebook_marks_them(
    filled: Filled, flow_file: Path
) -> None:
    data, book = exported(filled, flow_file, include_personal=True)
    table = read_csv(data).set_index("response_key")
    assert table.loc[filled.acme.key, "company"] == ACME_NAME
    assert table.loc[filled.acme.key, "email"] == ACME_EMAIL
    codebook = read_csv(book).set_index("column")
    for question in PERSONAL:
        assert "PERSONAL DATA" in codebook.loc[question, "note"]
    assert "PERSONAL DATA" not in codebook.loc["staff", "note"]


def test_the_long_csv_has_no_row_for_a_personal_question_unless_asked(
    filled: Filled, flow_file: Path
) -> None:
    data, book = exported(filled, flow_file, layout="long")
    table = read_csv(data)
    assert not set(PERSONAL) & set(table["question_id"])
    assert {"staff", "sector", "ideas"} <= set(table["question_id"])
    assert ACME_NAME.encode() not in data and ACME_EMAIL.encode() not in data
    assert not set(PERSONAL) & set(read_csv(book)["question_id"])

    data, book = exported(filled, flow_file, layout="long", include_personal=True)
    rows = read_csv(data)
    acme = rows[rows["response_key"] == filled.acme.key].set_index("question_id")
    assert acme.loc["company", "value"] == ACME_NAME and acme.loc["email", "value"] == ACME_EMAIL
    codebook = read_csv(book)
    marked = codebook[codebook["note"].str.contains("PERSONAL DATA")]
    assert set(marked["question_id"]) == set(PERSONAL)


def test_the_workbook_leaves_them_out_of_both_sheets_unless_asked(
    filled: Filled, flow_file: Path, tmp_path: Path
) -> None:
    def sheets(**options: object) -> tuple[list[str], list[str], str]:
        path = tmp_path / "export.xlsx"
        run_export(filled.path, flow_file, ExportOptions(**options), xlsx=path)  # type: ignore[arg-type]
        book = openpyxl.load_workbook(path)
        rows = list(book["responses"].iter_rows(values_only=True))
        codebook = list(book["codebook"].iter_rows(values_only=True))
        cells = " ".join(str(cell) for row in rows for cell in row)
        return list(map(str, rows[0])), [str(row[0]) for row in codebook[1:]], cells

    header, described, cells = sheets()
    assert personal_columns(header) == [] and personal_columns(described) == []
    assert ACME_NAME not in cells and ACME_EMAIL not in cells
    header, described, cells = sheets(include_personal=True)
    assert personal_columns(header) == ["company", "email"] == personal_columns(described)
    assert ACME_NAME in cells and ACME_EMAIL in cells


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_pandas_leaves_them_out_unless_asked(filled: Filled, flow_file: Path, layout: str) -> None:
    frame = load_responses(filled.path, flow_file, layout=layout)
    asked = load_responses(filled.path, flow_file, layout=layout, include_personal=True)
    if layout == "wide":
        assert personal_columns(list(frame.columns)) == []
        assert asked.set_index("response_key").loc[filled.acme.key, "company"] == ACME_NAME
    else:
        assert not set(PERSONAL) & set(frame["question_id"].dropna())
        assert set(PERSONAL) <= set(asked["question_id"])
        # The categories name only the questions exported.
        assert not set(PERSONAL) & set(frame["question_id"].cat.categories)
    book = load_codebook(flow_file, filled.path, layout=layout)
    assert not set(PERSONAL) & set(book["question_id"])
    asked_book = load_codebook(flow_file, filled.path, layout=layout, include_personal=True)
    marked = asked_book[asked_book["note"].str.contains("PERSONAL DATA")]
    assert set(marked["question_id"]) == set(PERSONAL)


def test_the_command_line_asks_and_says_so_on_standard_error(
    filled: Filled, flow_file: Path, tmp_path: Path
) -> None:
    default = invoke("--db", filled.path, "--flow", flow_file)
    assert default.exit_code == 0, default.stderr
    assert personal_columns(list(read_csv(default.stdout_bytes).columns)) == []
    assert "personal" not in default.stderr

    out, book = tmp_path / "responses.csv", tmp_path / "codebook.csv"
    asked = invoke(
        "--db", filled.path, "--flow", flow_file, "--include-personal", "-o", out,
        "--codebook", book,
    )  # fmt: skip
    assert asked.exit_code == 0, asked.stderr
    table = read_csv(out.read_bytes())
    assert personal_columns(list(table.columns)) == ["company", "email"]
    warnings = [line for line in asked.stderr.splitlines() if "personal data" in line]
    assert warnings == [
        "warning: this export holds personal data (the answers to company, email): "
        "keep it out of shared folders and delete it once done"
    ]
    assert "--include-personal" in invoke("--help").stdout


def test_the_bundled_questionnaire_marks_the_company_name_and_the_e_mail() -> None:
    flow = load_flow(bundled_path("questionnaire.yaml"))
    assert [step.id for step in flow.steps() if step.personal] == ["company_name", "email"]
    book = load_codebook(flow)
    assert not {"company_name", "email"} & set(book["column"])
    assert {"company_name", "email"} <= set(load_codebook(flow, include_personal=True)["column"])


def test_stats_never_show_a_personal_answer(filled: Filled, flow_file: Path) -> None:
    from bot.cli import main

    result = CliRunner().invoke(main, ["stats", "--db", str(filled.path), "--flow", str(flow_file)])
    assert result.exit_code == 0, result.output
    # The drop-off names the questions (a piped name reads as its fallback), and counts.
    assert "company" in result.stdout and "Salariés de … ?" in result.stdout
    for typed in (ACME_NAME, ACME_EMAIL, "Asia Co", "Partial"):
        assert typed not in result.output


async def test_the_warning_names_a_question_an_older_version_marked_personal(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    """Version 1 marked the e-mail personal, version 2 no longer does: the export still
    holds version 1's addresses, so the warning names them too."""
    first = write_personal_mini(tmp_path)
    v1 = load_flow(first)
    second = tmp_path / "mini_v2.yaml"
    text = first.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1)
    email = "      - id: email\n        type: email\n        personal: true\n"
    assert email in text
    second.write_text(text.replace(email, "      - id: email\n        type: email\n"), "utf-8")
    await keep_flow_versions(survey.store, [v1], now=survey.clock.tick())
    await fill(survey, v1)

    asked = invoke("--db", db_path, "--flow", second, "--include-personal", "--status", "all")

    assert asked.exit_code == 0, asked.stderr
    assert "warning: this export holds personal data (the answers to company, email)" in (
        asked.stderr
    )
