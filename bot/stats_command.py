"""`surveybot stats`: answers per stage and the drop-off along the questionnaire.

Registered on the `surveybot` group in `bot.cli`. Reads the database through a
read-only connection, so it can run while the bot writes. Imports only click
at load time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NoReturn

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.command(context_settings=CONTEXT)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database file (SURVEYBOT_DB; default: surveybot.sqlite3).",
)
@click.option(
    "--flow",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Flow file (SURVEYBOT_FLOW; default: the bundled questionnaire).",
)
@click.option(
    "--stages",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Stages file (SURVEYBOT_STAGES; default: the bundled one).",
)
@click.option("--stage", "stage_code", metavar="CODE", help="Only the responses of this stage.")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The day counted in the 'today' column (default: today, in local time).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also save the drop-off as a bar chart, a PNG image.",
)
def stats(
    db: Path | None,
    flow: Path | None,
    stages: Path | None,
    stage_code: str | None,
    day: dt.datetime | None,
    plot: Path | None,
) -> None:
    """How many started and completed, per stage, and where respondents stop.

    The table gives, per stage: responses started, completed, the completion
    rate, the median time to complete, and today's started / completed. The
    drop-off view follows the questions in order: how many responses reached
    each one, and how many answered it. Safe to run while the bot is running.

    Example: surveybot stats --stage pithiviers --plot dropoff.png
    """
    import asyncio

    from bot.cli import _load, load_settings
    from organiser import (
        Stats,
        read_stats,
        render_dropoff_png,
        render_dropoff_table,
        render_stage_table,
    )
    from storage import StorageError, Store

    settings = load_settings(db=db, flow=flow, stages=stages)
    if not settings.db.is_file():
        _fail(
            f"no database at {settings.db}: nothing has been answered with this setup yet; "
            "check --db or SURVEYBOT_DB"
        )
    loaded_flow, loaded_stages = _load(settings)
    now = dt.datetime.now().astimezone()
    today = day.date() if day is not None else now.date()

    async def read() -> Stats:
        store = await Store.open(settings.db, readonly=True)
        try:
            return await read_stats(
                store,
                flow=loaded_flow,
                stages=loaded_stages,
                today=today,
                tz=now.tzinfo or dt.UTC,
                stage_code=stage_code,
            )
        finally:
            await store.close()

    try:
        result = asyncio.run(read())
    except StorageError as error:
        _fail(str(error))
    known = {stage.code.lower() for stage in loaded_stages}
    if stage_code is not None and stage_code.lower() not in known and not result.total.started:
        listed = ", ".join(stage.code for stage in loaded_stages)
        _fail(
            f"unknown stage '{stage_code}': it is not in the stages file and no response "
            f"carries it; known stages: {listed}"
        )
    click.echo(render_stage_table(result))
    click.echo()
    click.echo(render_dropoff_table(result))
    if plot is not None:
        try:
            plot.write_bytes(render_dropoff_png(result))
        except OSError as error:
            _fail(f"cannot write the chart to {plot}: {error.strerror or error}")
        click.echo(f"wrote the drop-off chart to {plot}", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)
