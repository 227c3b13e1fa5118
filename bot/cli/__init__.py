"""The `surveybot` command line: one click group, each command group in a module of its own.

Every command module imports `bot.cli.common` (`fail`, `confirm`, the database's
name), `bot.cli.options` (the shared click options) and `bot.cli.loading` (settings,
flows, stages); to write files, `bot.cli.outputs` (--force, the checks, SIGTERM);
to say what the database holds beyond what was asked (another questionnaire's
responses, a `--flow-version` none carries), `bot.cli.held`; to run the bot, `bot.cli.telegram`
and `bot.cli.credentials`. This module imports them all and puts them on the group. Heavy
imports (pydantic models, the store, pandas, telegram) happen inside functions, so
`surveybot --help` stays fast. Data goes to standard output, messages to standard
error; domain errors exit 1, misuse exits 2 (click's own convention), each said in one
line, `error: ...` (misuse by the group's class, `bot.cli.usage.Surveybot`).
"""

from __future__ import annotations

import click

from bot.cli.chat import chat
from bot.cli.export import export
from bot.cli.flowfiles import schema, validate
from bot.cli.migrate import migrate_db
from bot.cli.options import CONTEXT
from bot.cli.organiser import links, stats
from bot.cli.privacy import erase
from bot.cli.purge import purge
from bot.cli.run import run
from bot.cli.serve import serve
from bot.cli.usage import Surveybot


@click.group(cls=Surveybot, context_settings=CONTEXT)
@click.version_option(package_name="surveybot", message="surveybot %(version)s")
def main() -> None:
    """surveybot: a conversational questionnaire for Telegram, the web and the terminal.

    Configuration comes from SURVEYBOT_* environment variables (or a .env file);
    each one but the secrets can also be given as a flag. Try it without any setup:

        surveybot chat
    """


for command in (chat, run, serve, validate, schema, links, stats, export, erase, purge, migrate_db):
    main.add_command(command)

__all__ = ["main"]
