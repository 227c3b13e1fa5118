"""What every command shares: settings from the environment and flags, the data options, failing.

Commands import this module, never each other or the group in `bot.cli`. Heavy
imports (pydantic models, the store, pandas, telegram) happen inside functions,
so `surveybot --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from bot.settings import Settings
    from flows import Flow, StageDef

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(message: str) -> NoReturn:
    """Say what went wrong on standard error and exit with status 1 (a domain error)."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def data_options(function: F) -> F:
    """--db, --flow and --stages, shared by the commands that read them."""
    for option in reversed(DATA_OPTIONS):
        function = option(function)
    return function


DATA_OPTIONS: Final = (
    click.option(
        "--db",
        metavar="PATH|URL",
        help="SQLite database file, or postgresql://user@host/db "
        "(SURVEYBOT_DB; default: surveybot.sqlite3).",
    ),
    click.option(
        "--flow",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Flow file (SURVEYBOT_FLOW; default: the bundled questionnaire).",
    ),
    click.option(
        "--stages",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Stages file (SURVEYBOT_STAGES; default: the bundled one).",
    ),
)
DB_OPTION: Final = DATA_OPTIONS[0]
STAGES_OPTION: Final = DATA_OPTIONS[2]


def load_settings(**flags: Any) -> Settings:
    """Settings from the environment and `.env`, with the flags given on the command line on top.

    A bad value exits with status 2, naming the variable and what is wrong.
    """
    from pydantic import ValidationError

    from bot.settings import Settings

    given = {key: value for key, value in flags.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        for problem in error.errors():
            name = "SURVEYBOT_" + "_".join(str(p) for p in problem["loc"]).upper()
            click.echo(f"error: {name}: {problem['msg']}", err=True)
        raise SystemExit(2) from None


def load_flow_and_stages(settings: Settings) -> tuple[Flow, list[StageDef]]:
    """The flow and stages, or every located problem of both on standard error and exit 1."""
    from flows import load_flow, load_stages

    problems: list[str] = []
    flow = _loaded(load_flow, settings.flow_path(), problems)
    stages = _loaded(load_stages, settings.stages_path(), problems)
    _exit_if(problems)
    assert flow is not None and stages is not None
    return flow, stages


def load_stages_file(settings: Settings) -> list[StageDef]:
    """The stages, or every located problem on standard error and exit 1."""
    from flows import load_stages

    problems: list[str] = []
    stages = _loaded(load_stages, settings.stages_path(), problems)
    _exit_if(problems)
    assert stages is not None
    return stages


def _loaded(load: Callable[[Path], T], path: Path, problems: list[str]) -> T | None:
    """`load(path)`, or None with its located problems added to `problems`."""
    from flows import FlowFileError

    try:
        return load(path)
    except FlowFileError as error:
        problems += [str(problem) for problem in error.problems]
        return None


def _exit_if(problems: list[str]) -> None:
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise SystemExit(1)


def require_database(target: Path | str) -> None:
    """Exit with a clear message when there is no SQLite file to read or change.

    A PostgreSQL database is not checked here: opening it never creates it,
    and the server's refusal is reported when the store is opened.
    """
    # Opening a missing file would create an empty database: nothing to read or erase in one.
    if isinstance(target, Path) and not target.is_file():
        fail(
            f"no database at {target}: nothing has been answered with this setup yet; "
            "check --db or SURVEYBOT_DB"
        )


def database_label(target: Path | str) -> str:
    """How messages name the database: its path, or its URL without the password."""
    if isinstance(target, Path):
        return str(target)
    from storage import describe_target

    return describe_target(target)


def database_file(target: Path | str) -> Path | None:
    """The SQLite file outputs must never replace; None on PostgreSQL (no file here)."""
    return target if isinstance(target, Path) else None
