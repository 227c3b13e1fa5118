"""The `surveybot` command line.

Heavy imports (pydantic models, the storage, pandas, telegram) happen inside the
commands, so `surveybot --help` stays fast. Data goes to stdout, messages to
stderr; domain errors exit 1, misuse exits 2 (click's own convention).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.links_command import links
from bot.privacy_commands import erase, purge
from bot.stats_command import stats

if TYPE_CHECKING:
    from bot.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("surveybot")
    except PackageNotFoundError:
        return "0+unknown"


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="surveybot", message="surveybot %(version)s")
def main() -> None:
    """surveybot: a conversational questionnaire for Telegram and the terminal.

    Configuration comes from SURVEYBOT_* environment variables (or a .env file);
    each one can also be given as a flag. Try it without any setup:

        surveybot chat
    """


def data_options(function: F) -> F:
    """--db, --flow and --stages, shared by the commands that read them."""
    function = click.option(
        "--stages",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Stages file (SURVEYBOT_STAGES; default: the bundled one).",
    )(function)
    function = click.option(
        "--flow",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Flow file (SURVEYBOT_FLOW; default: the bundled questionnaire).",
    )(function)
    function = click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        help="SQLite database file (SURVEYBOT_DB; default: surveybot.sqlite3).",
    )(function)
    return function


def load_settings(**flags: Any) -> Settings:
    """Settings from the environment, with the flags given on the command line on top."""
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


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def _load(settings: Settings) -> tuple[Any, list[Any]]:
    """The flow and stages, or every located problem on stderr and exit 1."""
    from flows import FlowFileError, load_flow, load_stages

    problems: list[str] = []
    flow = stages = None
    try:
        flow = load_flow(settings.flow_path())
    except FlowFileError as error:
        problems += [str(p) for p in error.problems]
    try:
        stages = load_stages(settings.stages_path())
    except FlowFileError as error:
        problems += [str(p) for p in error.problems]
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise SystemExit(1)
    return flow, list(stages or [])


@main.command(context_settings=CONTEXT)
@data_options
@click.option("--stage", "stage_code", metavar="CODE", help="Tag the response with this stage.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: the flow's).")
@click.option(
    "--respondent",
    default="terminal",
    show_default=True,
    metavar="NAME",
    help="Who is answering; the same name resumes the same response.",
)
def chat(
    db: Path | None,
    flow: Path | None,
    stages: Path | None,
    stage_code: str | None,
    lang: str | None,
    respondent: str,
) -> None:
    """Answer the questionnaire in the terminal (same engine, same database).

    Type the number of an answer, several numbers for a multiple choice, or your
    text; 'back', 'skip' and 'quit' do what they say. Quit at any time and run the
    same command again to resume. Answers can also be piped, one per line.

    Example: surveybot chat --stage pithiviers --lang fr
    """
    import asyncio

    from bot.progress import stage_rows
    from bot.terminal import Console, run_chat
    from storage import StorageError, Store

    settings = load_settings(db=db, flow=flow, stages=stages)
    loaded_flow, loaded_stages = _load(settings)
    if lang is not None and lang not in loaded_flow.languages:
        _fail(f"the flow has no '{lang}' version (it has: {', '.join(loaded_flow.languages)})")
    console = Console(sys.stdin, sys.stdout, echo=not sys.stdin.isatty())

    async def go() -> int:
        store = await Store.open(settings.db)
        try:
            await store.sync_stages(stage_rows(loaded_stages))
            return await run_chat(
                store,
                loaded_flow,
                console,
                respondent=respondent,
                stages=loaded_stages,
                stage_code=stage_code,
                lang=lang,
            )
        finally:
            await store.close()

    try:
        code = asyncio.run(go())
    except StorageError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        click.echo("", err=True)
        code = 130
    raise SystemExit(code)


@main.command(context_settings=CONTEXT)
@data_options
@click.option("--token", help="Bot token from @BotFather (SURVEYBOT_TOKEN).")
@click.option("--api-url", help="Bot API base URL, token appended (SURVEYBOT_API_URL).")
@click.option("--admins", help="Organiser Telegram user ids, comma-separated (SURVEYBOT_ADMINS).")
@click.option(
    "--webhook-url",
    metavar="URL",
    help="Receive updates by webhook at this public https URL instead of long polling.",
)
@click.option(
    "--listen",
    default="127.0.0.1",
    show_default=True,
    help="Address the webhook server listens on (behind your TLS reverse proxy).",
)
@click.option("--port", default=8080, show_default=True, help="Port of the webhook server.")
@click.option(
    "--webhook-secret",
    envvar="SURVEYBOT_WEBHOOK_SECRET",
    help="Secret Telegram sends with each webhook call (SURVEYBOT_WEBHOOK_SECRET).",
)
@click.option(
    "--reminder-hours",
    type=float,
    help="Remind an idle respondent once after this many hours; 0 = never "
    "(SURVEYBOT_REMINDER_HOURS, default 24).",
)
@click.option(
    "--abandon-after-days",
    type=float,
    help="Close unfinished responses untouched this long (SURVEYBOT_ABANDON_AFTER_DAYS, "
    "default 14; 0 = never).",
)
@click.option(
    "--retention-days",
    type=int,
    help="Delete responses older than this, daily (SURVEYBOT_RETENTION_DAYS; default: keep).",
)
@click.option("--timezone", help="Respondents' time zone for quiet hours (SURVEYBOT_TIMEZONE).")
@click.option("-v", "--verbose", is_flag=True, help="Log every update (debug level).")
def run(
    db: Path | None,
    flow: Path | None,
    stages: Path | None,
    token: str | None,
    api_url: str | None,
    admins: str | None,
    webhook_url: str | None,
    listen: str,
    port: int,
    webhook_secret: str | None,
    reminder_hours: float | None,
    abandon_after_days: float | None,
    retention_days: int | None,
    timezone: str | None,
    verbose: bool,
) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url).

    Updates sent while the bot was down are kept and handled at start; an update
    is confirmed to Telegram only once it is handled and committed.

    Example: SURVEYBOT_TOKEN=123456:ABC... surveybot run
    """
    import asyncio
    import logging

    settings = load_settings(
        db=db,
        flow=flow,
        stages=stages,
        token=token,
        api_url=api_url,
        admins=admins,
        reminder_hours=reminder_hours,
        abandon_after_days=abandon_after_days,
        retention_days=retention_days,
        timezone=timezone,
    )
    if settings.token is None or not settings.token.get_secret_value().strip():
        _fail(
            "no bot token: create a bot with @BotFather in Telegram, then set "
            "SURVEYBOT_TOKEN=<token> (or pass --token)."
        )
    assert settings.token is not None
    secret = settings.token.get_secret_value().strip()
    loaded_flow, loaded_stages = _load(settings)

    from bot.logs import configure_logging
    from bot.telegram import build_application, describe_start_error, run_polling
    from storage import StorageError

    configure_logging(secret, level=logging.DEBUG if verbose else logging.INFO)
    application = build_application(
        token=secret,
        flow=loaded_flow,
        stages=loaded_stages,
        api_url=settings.api_url,
        admins=settings.admins,
        policy=_policy(settings),
    )
    if webhook_url is not None:
        from bot.telegram.webhook import run_webhook

        if not webhook_url.startswith("https://") and "127.0.0.1" not in webhook_url:
            _fail("--webhook-url must be an https:// URL (Telegram only calls https webhooks).")
        main_task = run_webhook(
            application,
            settings.db,
            url=webhook_url,
            listen=listen,
            port=port,
            secret=webhook_secret,
        )
    else:
        main_task = run_polling(application, settings.db)
    try:
        asyncio.run(main_task)
    except StorageError as error:
        _fail(str(error))
    except Exception as error:
        explained = describe_start_error(error)
        if explained is None:
            raise
        _fail(explained.replace(secret, "<token>"))


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check flow and stages files; print every problem, located, and exit 1 if any.

    Without FILES, checks the configured (or bundled) flow and stages.

    Example: surveybot validate flows/data/questionnaire.yaml my-stages.yaml
    """
    from flows import validate_file

    if not files:
        settings = load_settings()
        files = (settings.flow_path(), settings.stages_path())
    failed = False
    for path in files:
        problems = validate_file(path)
        for problem in problems:
            click.echo(str(problem))
        if problems:
            failed = True
            count = len(problems)
            click.echo(f"{path}: {count} problem{'s' if count > 1 else ''}", err=True)
        else:
            click.echo(f"{path}: ok", err=True)
    raise SystemExit(1 if failed else 0)


@main.command(context_settings=CONTEXT)
@click.option("--stages", "for_stages", is_flag=True, help="The schema of a stages file instead.")
def schema(for_stages: bool) -> None:
    """Print the JSON Schema of flow files, for editor autocompletion.

    Example: surveybot schema > flow.schema.json  (then, at the top of a flow file:
    # yaml-language-server: $schema=flow.schema.json)
    """
    import json

    from flows.model import Flow
    from flows.stages import StagesFile

    model = StagesFile if for_stages else Flow
    click.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))


main.add_command(links)
main.add_command(stats)
main.add_command(erase)
main.add_command(purge)

# Last: the export command reuses the helpers above (data_options, load_settings).
from bot.export_command import export  # noqa: E402

main.add_command(export)


def _policy(settings: Settings) -> Any:
    import datetime as dt

    from bot.telegram.policy import Policy

    return Policy(
        reminder_after=dt.timedelta(hours=settings.reminder_hours)
        if settings.reminder_hours
        else None,
        abandon_after=dt.timedelta(days=settings.abandon_after_days)
        if settings.abandon_after_days
        else None,
        retention=dt.timedelta(days=settings.retention_days) if settings.retention_days else None,
        timezone=settings.timezone,
    )
