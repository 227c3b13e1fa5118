"""The click options several commands share: the help settings, the data options, days.

Nothing heavy is imported here: `surveybot --help` reads every command's options.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
# exports.CHANNELS, written out so that `--help` does not import the exporter.
CHANNEL_CHOICES: Final = ("telegram", "web", "terminal")
"""The channels export and stats can keep to (--channel)."""
CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def data_options(picking: str | None = None) -> Callable[[F], F]:
    """--db, --flow and --stages, shared by the commands that read them; `picking`, for the
    commands that report on one of several flows (export's "export"), what --flow picks for."""
    options = (
        DATA_OPTIONS if picking is None else (DB_OPTION, _flow_option(picking), *DATA_OPTIONS[2:])
    )

    def decorate(function: F) -> F:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def _flow_option(picking: str | None) -> Callable[[F], F]:
    """--flow: a file; with `picking`, also one of several flows by its file, id or audience."""
    said = "Flow file (SURVEYBOT_FLOW; default: the bundled questionnaire)."
    if picking is None:
        return click.option("--flow", type=click.Path(dir_okay=False, path_type=Path), help=said)
    return click.option(
        "--flow",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE|ID",
        help=f"{said} With several flows (--flows), the one to {picking}: its file, id or "
        "audience code.",
    )


DB_OPTION: Final = click.option(
    "--db",
    metavar="PATH|URL",
    help="SQLite database file, or postgresql://user@host/db "
    "(SURVEYBOT_DB; default: surveybot.sqlite3).",
)
DATA_OPTIONS: Final = (
    DB_OPTION,
    _flow_option(None),
    click.option(
        "--flows",
        metavar="FILES",
        help="Several flows, one per audience: files separated by commas, a folder, or "
        "'bundled' for both bundled questionnaires (SURVEYBOT_FLOWS).",
    ),
    click.option(
        "--stages",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Stages file (SURVEYBOT_STAGES; default: the bundled one).",
    ),
)
STAGES_OPTION: Final = DATA_OPTIONS[3]


def to_day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """The callback of a day option: YYYY-MM-DD (2019-6-5 too) as a date.

    click.DateTime said "'2019-02-30' does not match the format '%Y-%m-%d'" of
    a day that matches it but does not exist: the two mistakes are told apart.
    """
    if value is None:
        return None
    found = DAY_FORM.fullmatch(value.strip())
    if found is None:
        raise click.BadParameter(
            f"'{value}' must be written YYYY-MM-DD, like 2019-06-05", ctx, param
        )
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is not a real date ({error})", ctx, param) from None


DAY_FORM: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
