"""Responses given on version 1 and version 2 of a flow merge into one table by question id."""

from __future__ import annotations

from pathlib import Path

import pytest

from exports import ExportOptions, export_csv, load_codebook, load_responses
from flows import Flow
from tests.exports.conftest import MINI_V2, Survey, by_key, invoke, read_csv

COMMON = {
    "company": "Acme",
    "sector": "services",
    "exports": "yes",
    "share": 10,
    "importance": 2,
    "obstacles": ["cost", "time"],
    "ideas": "Rien",
}


@pytest.fixture
async def versions(survey: Survey, mini: Flow, mini_v2: Flow) -> tuple[str, str]:
    """One response on each version; their keys (v1, v2)."""
    old = await survey.respond(
        mini, COMMON | {"company": "Old", "staff": 12, "markets": ["eu", "asia"]}
    )
    new = await survey.respond(
        mini_v2, COMMON | {"company": "New", "margin": 7.5, "markets": ["africa", "eu"]}
    )
    return old.key, new.key


def test_columns_follow_the_current_flow_then_older_questions(
    versions: tuple[str, str], db_path: Path, mini_v2: Flow
) -> None:
    old, new = versions
    frame = read_csv(export_csv(db_path, mini_v2).data)
    columns = list(frame.columns)
    first = columns.index("duration_seconds") + 1  # the questions after the response's own
    assert columns[first : first + 4] == ["company", "margin", "sector", "sector_other"]
    assert columns[-1] == "staff"  # only in version 1: last
    markets = [c for c in columns if c.startswith("markets__")]
    assert markets == [
        "markets__eu",
        "markets__africa",
        "markets__asia",
        "markets__americas",
        "markets__none",
        "markets__other",
    ]
    rows = by_key(frame)
    assert (rows[old]["flow_version"], rows[new]["flow_version"]) == ("1", "2")
    assert (rows[old]["company"], rows[new]["company"]) == ("Old", "New")
    assert (rows[old]["staff"], rows[new]["staff"]) == ("12", "")
    assert (rows[old]["margin"], rows[new]["margin"]) == ("", "7.5")
    assert (rows[old]["markets__asia"], rows[new]["markets__africa"]) == ("1", "1")
    assert (rows[old]["markets__africa"], rows[new]["markets__asia"]) == ("0", "0")
    assert rows[old]["obstacles__time"] == rows[new]["obstacles__time"] == "2"


async def test_older_choice_and_older_question_survive_a_newer_file(
    survey: Survey, mini_v2: Flow, db_path: Path, tmp_path: Path
) -> None:
    key = (await survey.respond(mini_v2, COMMON | {"margin": -1, "markets": ["africa"]})).key
    v3 = tmp_path / "mini_v3.yaml"
    text = MINI_V2.read_text(encoding="utf-8").replace("version: 2", "version: 3")
    v3.write_text(
        text.replace("          - {code: africa, label: {fr: Afrique, en: Africa}}\n", ""),
        encoding="utf-8",
    )
    result = invoke("--db", db_path, "--flow", v3, "--codebook", tmp_path / "codebook.csv")
    assert result.exit_code == 0, result.stderr
    row = by_key(read_csv(result.stdout_bytes))[key]
    assert row["markets__africa"] == "1" and row["markets__eu"] == "0"
    codebook = read_csv((tmp_path / "codebook.csv").read_bytes()).set_index("column")
    assert "older version" in codebook.loc["markets__africa", "note"]


def test_flow_version_filter(versions: tuple[str, str], db_path: Path, mini_v2: Flow) -> None:
    old, new = versions
    only_v1 = read_csv(export_csv(db_path, mini_v2, ExportOptions(flow_versions=(1,))).data)
    assert list(only_v1["response_key"]) == [old]
    assert "staff" in only_v1.columns
    only_v2 = read_csv(export_csv(db_path, mini_v2, ExportOptions(flow_versions=(2,))).data)
    assert list(only_v2["response_key"]) == [new]
    # The older version's column stays, empty: one file per version stacks with the others.
    assert list(only_v2["staff"]) == [""]
    result = invoke(
        "--db", db_path, "--flow", MINI_V2, "--flow-version", "1", "--flow-version", "2"
    )
    assert set(read_csv(result.stdout_bytes)["response_key"]) == {old, new}


def test_pandas_and_codebook_merge_versions_too(
    versions: tuple[str, str], db_path: Path, mini_v2: Flow
) -> None:
    old, new = versions
    frame = load_responses(db_path, mini_v2).set_index("response_key")
    assert str(frame["staff"].dtype) == "Int64" and frame.loc[old, "staff"] == 12
    assert frame.loc[new, "margin"] == 7.5
    codebook = load_codebook(mini_v2, db_path).set_index("column")
    assert list(codebook.index) == list(frame.reset_index().columns)
    assert "not in the current flow file" in codebook.loc["staff", "note"].lower()
    assert "version 1" in codebook.loc["staff", "note"]
    # The long layout keeps the older question as rows of its own.
    long = load_responses(db_path, mini_v2, layout="long")
    assert set(long[long["response_key"] == old]["question_id"]) >= {"staff", "company"}


def test_the_long_codebook_describes_every_question_the_long_export_has_rows_of(
    versions: tuple[str, str], db_path: Path, mini_v2: Flow, tmp_path: Path
) -> None:
    """`staff`, only in version 1, has rows in the long export: the codebook says what it was
    (its text, kind and version), as the wide codebook does for its column."""
    out, book = tmp_path / "long.csv", tmp_path / "codebook.csv"
    result = invoke("--db", db_path, "--flow", MINI_V2, "--layout", "long", "-o", out,
                    "--codebook", book)  # fmt: skip
    assert result.exit_code == 0, result.stderr

    long = read_csv(out.read_bytes())
    codebook = read_csv(book.read_bytes())
    values = codebook[codebook["column"] == "value"].set_index("question_id")
    assert set(long["question_id"]) <= set(values.index)
    wide = load_codebook(mini_v2, db_path).set_index("column")
    described = ["question_fr", "question_en", "kind", "codes_and_labels", "note"]
    assert list(values.loc["staff", described]) == list(wide.loc["staff", described])
    assert "version 1" in values.loc["staff", "note"]
    # The same through pandas.
    loaded = load_codebook(mini_v2, db_path, layout="long")
    assert "staff" in set(loaded[loaded["column"] == "value"]["question_id"])
