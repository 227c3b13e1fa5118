"""`--untagged`: the responses that came with no stage, alone or beside `--stage`'s.

Those are the "(no stage)" row of `surveybot stats`: the export must count them
as that row does. A stage code may be any word of letters, digits, `_` and `-`,
so the way to ask for them is a flag, not a reserved code.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli.organiser import stats
from exports import ExportOptions, export_csv, load_responses
from flows import Flow
from organiser.stats_tables import NO_STAGE
from tests.conftest import MINI
from tests.exports.conftest import STAGES_FILE, Filled, Survey, invoke, read_csv

DONE = {
    "company": "Sans lien",
    "staff": 8,
    "sector": "industry",
    "exports": "no",
    "importance": 3,
    "obstacles": ["time", "skills"],
    "ideas": "-",
}


def keys(*flags: str | Path) -> list[str]:
    result = invoke("--flow", MINI, *flags)
    assert result.exit_code == 0, result.stderr
    return list(read_csv(result.stdout_bytes)["response_key"])


def untagged_row(db: Path | str) -> tuple[int, int]:
    """(started, completed) of the "(no stage)" row of `surveybot stats` on `db`."""

    @click.group()
    def group() -> None:
        """A stand-in for the `surveybot` group."""

    group.add_command(stats)
    args = ["stats", "--db", str(db), "--flow", str(MINI), "--stages", str(STAGES_FILE)]
    result = CliRunner().invoke(group, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line.split() for line in lines if line.startswith("stage "))
    row = next(line for line in lines if line.startswith(NO_STAGE))
    # The row's city is empty: its cells are the header's from "started" on.
    cells = row.removeprefix(NO_STAGE).split()
    started = header.index("started")
    return int(cells[0]), int(cells[header.index("completed") - started])


async def test_untagged_alone_or_beside_stages(filled: Filled, survey: Survey, mini: Flow) -> None:
    done = await survey.respond(mini, DONE, stage=None)
    db = ("--db", filled.path)
    assert keys(*db, "--untagged") == [done.key]
    assert keys(*db, "--untagged", "--status", "all") == [filled.partial.key, done.key]
    with_stage = keys(*db, "--untagged", "--stage", "Aubenas", "--status", "all")
    assert with_stage == [filled.partial.key, filled.asia.key, done.key]
    # The other filters hold for both the stage's and the untagged responses.
    terminal = ("--channel", "terminal", "--status", "all")
    assert keys(*db, "--stage", "aubenas", "--untagged", *terminal) == [filled.partial.key]
    # Without it, --stage keeps only its stage's, and no filter keeps every response.
    assert keys(*db, "--stage", "aubenas") == [filled.asia.key]
    assert len(keys(*db, "--status", "all")) == 5


async def test_another_flows_untagged_responses_stay_out(
    filled: Filled, survey: Survey, mini: Flow
) -> None:
    other = mini.model_copy(update={"id": "other_flow"})
    await survey.respond(other, DONE, stage=None)
    flags = ("--db", filled.path, "--stage", "aubenas", "--untagged", "--status", "all")
    assert keys(*flags) == [filled.partial.key, filled.asia.key]
    assert keys("--db", filled.path, "--untagged", "--status", "all") == [filled.partial.key]


@pytest.fixture
async def more_untagged(filled: Filled, survey: Survey, mini: Flow) -> Path:
    """`filled`, and three more responses with no stage: two finished, one not."""
    for _ in range(2):
        await survey.respond(mini, DONE, stage=None)
    await survey.respond(mini, {"company": "Pas fini"}, stage=None)
    return filled.path


def test_counts_match_the_stats_untagged_row(more_untagged: Path) -> None:
    # Not a coroutine: `stats` runs its own event loop.
    started, completed = untagged_row(more_untagged)
    assert (started, completed) == (4, 2)
    every = invoke("--db", more_untagged, "--flow", MINI, "--untagged", "--status", "all")
    assert f"exported {started} responses" in every.stderr
    finished = invoke("--db", more_untagged, "--flow", MINI, "--untagged")
    assert f"exported {completed} responses ({completed} completed)" in finished.stderr


def test_nothing_untagged_names_the_flag(filled: Filled) -> None:
    # The untagged response of `filled` is unfinished: the default status leaves it out.
    result = invoke("--db", filled.path, "--flow", MINI, "--untagged")
    assert result.exit_code == 0 and keys("--db", filled.path, "--untagged") == []
    assert "matches --status completed (the default" in result.stderr
    assert ", --untagged: only the header row was written; check these filters" in result.stderr


def test_untagged_in_the_python_options(filled: Filled, mini: Flow) -> None:
    options = ExportOptions(status="all", untagged=True, stages=("le-creusot",))
    data = export_csv(filled.path, mini, options).data
    assert list(read_csv(data)["response_key"]) == [filled.minus.key, filled.partial.key]
    assert ExportOptions(untagged=True).response_filter(mini.id).untagged
    # `load_responses` takes it as the command does: alone, or beside stages.
    frame = load_responses(filled.path, mini, status="all", untagged=True)
    assert list(frame["response_key"]) == [filled.partial.key]
    both = load_responses(filled.path, mini, status="all", untagged=True, stage="Le-Creusot")
    assert list(both["response_key"]) == [filled.minus.key, filled.partial.key]


def test_the_long_layouts_response_status_is_ordered_as_the_wide_status(
    filled: Filled, mini: Flow
) -> None:
    long = load_responses(filled.path, mini, status="all", layout="long")
    wide = load_responses(filled.path, mini, status="all")
    order = ["in_progress", "completed", "abandoned"]
    assert list(long["response_status"].cat.categories) == order
    assert list(wide["status"].cat.categories) == order


def test_help_says_it(filled: Filled) -> None:
    result = invoke("--help")
    assert "--untagged" in result.stdout and "no stage" in result.stdout
