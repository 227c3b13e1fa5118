"""Filters: stage (repeatable), status, started since/until, in the command and the API."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from exports import ExportError, ExportOptions, export_csv, load_responses
from flows import Flow
from tests.conftest import MINI
from tests.exports.conftest import Clock, Filled, Survey, invoke, read_csv
from tests.support.sqlite import open_sqlite


def keys(data: bytes) -> list[str]:
    return list(read_csv(data)["response_key"])


def test_stage_filter_is_repeatable(filled: Filled) -> None:
    one = invoke("--db", filled.path, "--flow", MINI, "--stage", "aubenas")
    assert keys(one.stdout_bytes) == [filled.asia.key]
    two = invoke("--db", filled.path, "--flow", MINI, "--stage", "aubenas", "--stage", "pithiviers")
    assert keys(two.stdout_bytes) == [filled.acme.key, filled.asia.key]
    none = invoke("--db", filled.path, "--flow", MINI, "--stage", "vierzon")  # no response yet
    assert none.exit_code == 0 and keys(none.stdout_bytes) == []
    assert "no response" in none.stderr


def test_an_unknown_stage_is_refused_as_stats_refuses_it(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "responses.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "--stage", "aubenas", "--stage", "nowhere")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: unknown stage 'nowhere': it is not in the stages file and no response "
        "carries it; known stages: pithiviers, le-creusot, aubenas, vierzon\n"
    )
    assert invoke("--db", filled.path, "--flow", MINI, "--stage", "nowhere", "-o", out).exit_code
    assert not out.exists()


def test_a_stage_is_found_whatever_its_case_or_only_in_the_data(filled: Filled) -> None:
    typed = invoke("--db", filled.path, "--flow", MINI, "--stage", "Aubenas")
    assert typed.exit_code == 0 and keys(typed.stdout_bytes) == [filled.asia.key]
    with open_sqlite(filled.path) as conn:  # a stage since removed from the stages file
        conn.execute("UPDATE responses SET stage_code = 'old' WHERE key = ?", (filled.acme.key,))
    old = invoke("--db", filled.path, "--flow", MINI, "--stage", "old")
    assert old.exit_code == 0 and keys(old.stdout_bytes) == [filled.acme.key]


def test_status_filter(filled: Filled) -> None:
    everything = invoke("--db", filled.path, "--flow", MINI, "--status", "all")
    assert len(keys(everything.stdout_bytes)) == 4
    unfinished = invoke("--db", filled.path, "--flow", MINI, "--status", "in_progress")
    assert keys(unfinished.stdout_bytes) == [filled.partial.key]
    wrong = invoke("--db", filled.path, "--flow", MINI, "--status", "done")
    assert wrong.exit_code == 2


@pytest.fixture
async def over_days(survey: Survey, clock: Clock, mini: Flow) -> list[str]:
    """Three completed responses started on 2019-06-03, 06-04 and 06-05 (UTC), at 23:30."""
    answers = {
        "company": "X",
        "staff": 1,
        "sector": "industry",
        "exports": "no",
        "importance": 2,
        "obstacles": ["cost", "time"],
        "ideas": "-",
    }
    made = []
    for day in (3, 4, 5):
        clock.now = dt.datetime(2019, 6, day, 23, 30, tzinfo=dt.UTC)
        made.append((await survey.respond(mini, answers)).key)
    return made


def test_since_and_until_are_inclusive_days(over_days: list[str], db_path: Path) -> None:
    def run(*flags: str) -> list[str]:
        result = invoke("--db", db_path, "--flow", MINI, *flags)
        assert result.exit_code == 0, result.stderr
        return keys(result.stdout_bytes)

    first, second, third = over_days
    assert run("--since", "2019-06-04") == [second, third]
    assert run("--until", "2019-06-04") == [first, second]
    assert run("--since", "2019-06-04", "--until", "2019-06-04") == [second]
    assert run("--since", "2019-06-06") == []


def test_dates_in_the_api(over_days: list[str], db_path: Path, mini: Flow) -> None:
    _, second, third = over_days
    frame = load_responses(db_path, mini, since="2019-06-04", until=dt.date(2019, 6, 4))
    assert list(frame["response_key"]) == [second]
    # The second response started a couple of seconds after 23:30.
    moment = dt.datetime(2019, 6, 4, 23, 31, tzinfo=dt.UTC)
    later = export_csv(db_path, mini, ExportOptions(since=moment)).data
    assert keys(later) == [third]


def test_impossible_dates_are_refused(db_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        "--db", db_path, "--flow", MINI, "--since", "2019-06-05", "--until", "2019-06-04"
    )
    assert result.exit_code == 2 and "after" in result.stderr
    bad = invoke("--db", db_path, "--flow", MINI, "--since", "5 juin")
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--since': '5 juin' must be written YYYY-MM-DD, like 2019-06-05"
    )
    for flag, day, why in [
        ("--since", "2019-13-01", "month must be in 1..12"),
        ("--until", "2019-02-30", "day is out of range for month"),
    ]:
        unreal = invoke("--db", db_path, "--flow", MINI, flag, day)
        assert unreal.exit_code == 2
        assert unreal.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '{flag}': '{day}' is not a real date ({why})"
        )
    with pytest.raises(ExportError, match="YYYY-MM-DD"):
        ExportOptions(since="le 5 juin")
    with pytest.raises(ExportError, match="after"):
        ExportOptions(since="2019-06-05", until="2019-06-04")


def test_stage_filter_in_the_api(filled: Filled) -> None:
    frame = load_responses(filled.path, MINI, stage="le-creusot", status="all")
    assert list(frame["response_key"]) == [filled.minus.key]
    both = load_responses(filled.path, MINI, stage=["le-creusot", "aubenas"])
    assert list(both["response_key"]) == [filled.minus.key, filled.asia.key]


async def test_responses_of_another_flow_are_left_out(
    filled: Filled, survey: Survey, mini: Flow
) -> None:
    other = mini.model_copy(update={"id": "other_flow"})
    await survey.respond(other, {"company": "Elsewhere"})
    frame = load_responses(filled.path, mini, status="all")
    assert "Elsewhere" not in set(frame["company"].dropna())
    assert len(frame) == 4


def test_city_comes_from_the_stages_file_when_the_database_lacks_it(
    filled: Filled, tmp_path: Path
) -> None:
    conn = sqlite3.connect(filled.path)
    with conn:
        conn.execute(
            "UPDATE responses SET stage_code = 'vierzon' WHERE key = ?", (filled.asia.key,)
        )
    conn.close()
    result = invoke("--db", filled.path, "--flow", MINI, "--stage", "vierzon")
    row = read_csv(result.stdout_bytes).iloc[0]
    assert (row["stage_code"], row["stage_city"]) == ("vierzon", "Vierzon")
