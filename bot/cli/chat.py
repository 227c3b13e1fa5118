"""`surveybot chat`: the questionnaire in the terminal, same conversation, same database."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import fail
from bot.cli.loading import load_flow_and_stages, load_settings
from bot.cli.options import CONTEXT, data_options
from bot.logs import erasures_to_stderr

if TYPE_CHECKING:
    from flows import StageDef


def _a_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The respondent's name, trimmed: a blank one would be everyone's and no one's."""
    name = value.strip()
    if not name:
        raise click.BadParameter("give a name, like --respondent ana (or leave it out)")
    return name


@click.command(context_settings=CONTEXT)
@data_options()
@click.option(
    "--stage",
    "stage_code",
    metavar="CODE",
    help="Tag the response with this stage (CODE__AUDIENCE also picks the questionnaire when several run).",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: the flow's).")
@click.option(
    "--respondent",
    default="terminal",
    show_default=True,
    metavar="NAME",
    help="Who is answering; the same name resumes the same response.",
    callback=_a_name,
)
@click.option(
    "--timezone",
    metavar="ZONE",
    help="The respondents' time zone, like Europe/Paris (SURVEYBOT_TIMEZONE): the day /mydata says a response was started.",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="With piped answers, say a refused line and ask again, as to a person typing (a "
    "demonstration's script), instead of stopping there with exit status 1.",
)
def chat(
    db: str | None,
    flow: Path | None,
    flows: str | None,
    stages: Path | None,
    stage_code: str | None,
    lang: str | None,
    respondent: str,
    timezone: str | None,
    keep_going: bool,
) -> None:
    """Answer the questionnaire in the terminal (same questions, same database as the bot).

    Type the number of an answer, several numbers for a multiple choice, or your
    text; 'retour', 'passer' and 'quitter' do what they say, and the bot's
    commands work too (/mydata, /delete, /restart, /language, /help). Quit at any
    time and run the same command again to resume. Answers can also be piped,
    one per line: the first line refused stops the script (exit status 1), so
    that no later answer lands on the wrong question.

    Example: surveybot chat --stage pithiviers --lang fr
    """
    import asyncio

    from bot.settings import DataSettings, ZoneSettings
    from bot.terminal import Console, run_chat
    from conversation import Conversation
    from storage import StorageError, open_store

    settings = load_settings(DataSettings, db=db, flow=flow, flows=flows, stages=stages)
    zone = load_settings(ZoneSettings, timezone=timezone).timezone
    catalogue, loaded_stages = load_flow_and_stages(settings)
    if audience := catalogue.audience_not_run(stage_code, loaded_stages):
        # An organiser trying an audience's link would answer the other questionnaire.
        fail(
            f"--stage {stage_code}: '{audience}' is the audience of a questionnaire this chat "
            f"does not run (it runs only '{catalogue.default.id}'): add --flows bundled for "
            "both bundled questionnaires, or --flows with each audience's flow file"
        )
    missing = [f.id for f in catalogue.flows if lang is not None and lang not in f.languages]
    if missing:
        offered = sorted(set.intersection(*(set(f.languages) for f in catalogue.flows)))
        fail(f"the flow has no '{lang}' version (it has: {', '.join(offered)})")
    if isinstance(sys.stdin, io.TextIOWrapper):
        # Bytes that are not UTF-8 reach the console as they came (`bot.terminal.as_text`),
        # not as an error that would end the chat.
        sys.stdin.reconfigure(errors="surrogateescape")
    _note_if_closed(timezone)
    _note_unknown_stage(loaded_stages, stage_code)
    piped = not sys.stdin.isatty()
    console = Console(sys.stdin, sys.stdout, echo=piped, script=piped and not keep_going)
    erasures_to_stderr()  # /delete's line, as the bot and the web chat log it

    async def go() -> int:
        store = await open_store(settings.db)
        try:
            conversation = Conversation(store, catalogue, loaded_stages, timezone=zone)
            await conversation.sync_with_files()
            return await run_chat(
                conversation,
                console,
                respondent=respondent,
                stage_code=stage_code,
                lang=lang,
            )
        finally:
            await store.close()

    try:
        code = asyncio.run(go())
    except StorageError as error:
        fail(str(error))
    except KeyboardInterrupt:  # the chat has said its goodbye (bot/terminal)
        code = 130
    raise SystemExit(code)


def _note_if_closed(timezone: str | None) -> None:
    """Say so when SURVEYBOT_CLOSED is set: the chat still takes answers (to rehearse, as
    docs/organisers.md says), into the tour's database, which an organiser may not expect
    once the tour is over. A mistake in the upkeep's settings, which the chat does not
    use, stops nothing: the note is then left out."""
    from pydantic import ValidationError

    from bot.settings import UpkeepSettings

    try:
        read = UpkeepSettings() if timezone is None else UpkeepSettings(timezone=timezone)
    except (ValidationError, OSError, UnicodeDecodeError):
        return
    if read.closed:
        click.echo(
            "note: SURVEYBOT_CLOSED is set: the bot and the web chat take no more answers, "
            "but this chat does (to rehearse); what you answer here is stored with the "
            "tour's, as a terminal response (export --channel telegram --channel web leaves "
            "it out)",
            err=True,
        )


def _note_unknown_stage(stages: list[StageDef], stage_code: str | None) -> None:
    """Say so when --stage names no stage: the chat then asks which workshop, in a
    respondent's words ("Ce lien d'invitation ne correspond à aucun atelier connu"), which
    leaves an organiser wondering which link is wrong; the town typed for its code is
    named back with its code."""
    from flows import find_stage, meant_stage

    if not stage_code or find_stage(stages, stage_code) is not None:
        return
    meant = meant_stage(stages, stage_code)
    guess = f": did you mean '{meant.code}' ({meant.city})?" if meant is not None else ""
    click.echo(
        f"note: --stage {stage_code!r} is no stage of the stages file{guess or '.'} The chat asks "
        "which workshop, as it asks a respondent whose link names none.",
        err=True,
    )
