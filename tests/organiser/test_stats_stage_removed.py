"""A stage removed from the stages file keeps its town in the statistics.

An organiser removed Figeac (which had responses) from the stages file: `surveybot
stats` showed "figeac  (not in the stages file)" in the city column, and Telegram's
/stats "figeac (figeac)", while the database still keeps the stage's city (the
stages are synced, never deleted: old responses carry their codes) and the export's
stage_city gives it. Now the city is the one the database remembers, and the row says
the stage is no longer in the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli.organiser import stats as stats_command
from flows import Flow, load_stages
from organiser import read_stats, render_stage_table
from storage import Stage, open_store
from tests.organiser.survey import FLOW
from tests.support.postgres import both_backends

STARTED = dt.datetime(2019, 6, 5, 8, tzinfo=dt.UTC)
TODAY = dt.date(2019, 7, 4)
NOW_LISTED = """\
stages:
  - {code: pithiviers, city: Pithiviers, date: 2019-06-05}
  - {code: vitre-bzh, city: Vitré, date: 2019-06-20}
"""
"""The stages file after the change: figeac and Le-Creusot removed, vitre renamed vitre-bzh."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_backends(metafunc)


async def fill(target: Path | str) -> None:
    """The stages as first listed, and one response at each of figeac, Le-Creusot, pithiviers."""
    store: Any = await open_store(target)
    try:
        await store.sync_stages(
            [
                Stage("pithiviers", "Pithiviers"),
                Stage("figeac", "Figeac"),
                Stage("Le-Creusot", "Le Creusot"),
                Stage("vitre", "Vitré"),
            ]
        )
        for index, code in enumerate(["figeac", "Le-Creusot", "pithiviers"]):
            who = await store.ensure_respondent("telegram", f"r{index}", now=STARTED)
            await store.start_response(
                who.id,
                flow_id="tour",
                flow_version=1,
                stage_code=code,
                language="fr",
                state_json="{}",
                current_step="q1",
                now=STARTED,
            )
    finally:
        await store.close()


@pytest.fixture
def now_listed(tmp_path: Path) -> Path:
    path = tmp_path / "stages.yaml"
    path.write_text(NOW_LISTED, encoding="utf-8")
    return path


async def test_a_removed_stage_keeps_the_city_the_database_remembers(
    store_target: Path | str, tour_flow: Flow, now_listed: Path
) -> None:
    await fill(store_target)
    store = await open_store(store_target, readonly=True)
    try:
        stats = await read_stats(store, flow=tour_flow, stages=load_stages(now_listed), today=TODAY)
        alone = await read_stats(
            store, flow=tour_flow, stages=load_stages(now_listed), today=TODAY, stage_code="FIGEAC"
        )
    finally:
        await store.close()
    rows = {row.code: (row.city, row.unlisted, row.started) for row in stats.stages}
    assert rows == {
        "pithiviers": ("Pithiviers", False, 1),
        "vitre-bzh": ("Vitré", False, 0),
        "Le-Creusot": ("Le Creusot", True, 1),
        "figeac": ("Figeac", True, 1),
    }
    assert [(row.code, row.city, row.unlisted) for row in alone.stages] == [
        ("figeac", "Figeac", True)
    ]
    assert alone.stage_label == "Figeac"


@pytest.mark.sqlite_only
def test_the_cli_table_names_it_and_marks_it_no_longer_in_the_file(
    db_path: Path, now_listed: Path, clean_env: Path
) -> None:
    import asyncio

    asyncio.run(fill(db_path))
    args = ["--db", str(db_path), "--flow", str(FLOW), "--stages", str(now_listed)]
    result = CliRunner().invoke(stats_command, [*args, "--day", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    by_code = {line.split()[0]: line for line in lines[2:5]}
    assert by_code["figeac"].split()[:3] == ["figeac", "Figeac", "(not"]
    assert "Le Creusot (not in the stages file)" in by_code["Le-Creusot"]
    # The columns stay aligned: each row's "started" ends where the header's does.
    end = lines[0].index("started") + len("started")
    assert all(line[end - 1] == "1" for line in by_code.values())
    alone = CliRunner().invoke(stats_command, [*args, "--stage", "figeac"])
    assert alone.exit_code == 0, alone.output
    assert "Figeac (not in the stages file)" in alone.stdout


def test_a_row_of_a_code_nobody_names_says_only_that(tour_flow: Flow) -> None:
    from organiser import compute_stats

    stats = compute_stats([], {}, flow=tour_flow, stages=[], today=TODAY, stage_code="nowhere")
    table = render_stage_table(stats)
    assert table.splitlines()[2].split()[:5] == ["nowhere", "(not", "in", "the", "stages"]
