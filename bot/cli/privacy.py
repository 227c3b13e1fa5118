"""`surveybot erase`: a respondent's erasure (`bot.cli.purge` applies the retention period).

It writes to the database, so it refuses to create a SQLite file that does not exist,
or to make one of a 0-byte file, a wrong path (a PostgreSQL database is never created by
opening it).
Counts go to standard output as `name: number` lines; messages to standard error.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import confirm, database_label, fail, require_database, warn_wal
from bot.cli.loading import load_settings
from bot.cli.options import CONTEXT, DB_OPTION

if TYPE_CHECKING:
    from storage import ErasureReport, Respondent, SurveyStore


@click.command(context_settings=CONTEXT)
@click.option(
    "--telegram-id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="The Telegram user id of the person who asked to be erased.",
)
@click.option(
    "--response",
    "response_key",
    metavar="KEY",
    help="A response key of theirs (the export's response_key; /mydata and the web "
    "page's 'Mes données' show it): for a respondent of Telegram, the web or the terminal.",
)
@click.option(
    "--response-only",
    is_flag=True,
    help="Erase that response alone, not the person's others: for a response the bot's log "
    "names as erased by withdrawing consent or switching questionnaire, brought back by a "
    "restored backup.",
)
@DB_OPTION
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(
    telegram_id: int | None,
    response_key: str | None,
    response_only: bool,
    db: str | None,
    yes: bool,
) -> None:
    """Erase a respondent: their record, every response and answer.

    For a request received by e-mail (respondents can also send /delete in the
    chat, or erase themselves from the web page). Name them by their Telegram
    user id, or by one of their response keys. On SQLite, freed pages are zeroed
    and the write-ahead log emptied, so nothing of it stays readable in the
    database file; on PostgreSQL, the rows are gone for every reader at once
    (docs/operators.md says what VACUUM and backups keep). Safe while the bot is running.
    Files already exported are not touched: delete the respondent's rows there
    too (by the response keys this command lists).

    Example: surveybot erase --response 3f9c2a7b10d84e61
    """
    import asyncio

    from bot.settings import DatabaseSettings
    from storage import StorageError, open_store

    if telegram_id is not None and response_key is not None:
        raise click.UsageError("give --telegram-id ID or --response KEY, not both")
    if telegram_id is None and response_key is None:
        raise click.UsageError("name the respondent by --telegram-id ID or --response KEY")
    if response_only and response_key is None:
        raise click.UsageError("--response-only erases the response --response KEY names")
    response_key = _key_read(response_key)
    settings = load_settings(DatabaseSettings, db=db)
    require_database(settings.db)
    label = database_label(settings.db)
    if telegram_id is not None:
        missing = f"no respondent with Telegram id {telegram_id} in {label}"
    else:
        missing = (
            f"no respondent with response key {response_key} in {label}: erased already "
            "(by this command, /delete or the web page), or not a key of this database"
        )

    async def go() -> None:
        """Erase, or raise _NotErased saying why not."""
        store = await open_store(settings.db)
        try:
            respondent = await _respondent(store, telegram_id, response_key)
            if respondent is None:
                raise _NotErased(missing)
            who = _who(respondent.channel, respondent.external_id)
            data = await store.respondent_data(respondent.id)
            if response_only:
                key = response_key or ""
                report = await _erase_one(store, key, _one_question(key, who, data), yes=yes)
                alone = len(data["responses"]) == 1  # the store erases the person too
                who = f"response {key} of {who}" + (" and their record" if alone else "")
            else:
                if not yes and not _confirmed(_erasure_question(who, data)):
                    raise _Declined
                report = await store.erase_by_external_id(
                    respondent.channel, respondent.external_id
                )
        finally:
            await store.close()
        if report is None:  # erased meanwhile, by /delete in the chat
            raise _NotErased(missing)
        _print_report(report, who, label)

    try:
        asyncio.run(go())
    except _Declined:
        click.echo("nothing was erased", err=True)  # what was asked for: not an error
    except (_NotErased, StorageError) as error:
        fail(str(error))


def _key_read(typed: str | None) -> str | None:
    """A response key as copied from anywhere: "3F9C2A7B10D84E61 " is 3f9c2a7b10d84e61."""
    if typed is None:
        return None
    key = typed.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{16}", key):
        raise click.UsageError(
            f"--response {typed!r} is not a response key: 16 characters, 0-9 and a-f, as in "
            "the export's response_key column"
        )
    return key


class _NotErased(Exception):
    """Why `erase` erased nothing; said once the store is closed, as any other failure."""


class _Declined(Exception):
    """The organiser answered no: nothing erased, as they chose (exit 0)."""


def _erasure_question(who: str, data: Mapping[str, Any]) -> str:
    """What to confirm, from the respondent's data as `/mydata` gives it (their responses,
    each with its key and answers): the responses and answers that will be gone."""
    responses = data["responses"]
    keys = ", ".join(response["key"] for response in responses) or "none"
    answers = sum(len(response["answers"]) for response in responses)
    return (
        f"Erase {who} (first seen {data['created_at'][:10]}): "
        f"{_plural(len(responses), 'response')} ({keys}), "
        f"{_plural(answers, 'answer')}? This cannot be undone."
    )


def _one_question(key: str, who: str, data: Mapping[str, Any]) -> str:
    """What to confirm before erasing one response: its answers, and the others that stay."""
    responses = data["responses"]
    answers = sum(len(r["answers"]) for r in responses if r["key"] == key)
    others = len(responses) - 1
    kept = (
        f"keeping their {_plural(others, 'other response')}"
        if others
        else "their only one: their record goes with it"
    )
    return (
        f"Erase response {key} of {who} ({_plural(answers, 'answer')}), {kept}? "
        "This cannot be undone."
    )


async def _erase_one(
    store: SurveyStore, key: str, question: str, *, yes: bool
) -> ErasureReport | None:
    """Erase the response `key` alone, once confirmed; None if it is gone meanwhile."""
    if not yes and not _confirmed(question):
        raise _Declined
    response = await store.get_response_by_key(key)
    return None if response is None else await store.erase_response(response.id)


def _print_report(report: ErasureReport, who: str, label: str) -> None:
    """The counts erased on standard output, as `purge` prints them; the rest on standard error."""
    click.echo(f"responses: {report.responses}")
    click.echo(f"answers: {report.answers}")
    # The keys, to erase them again from a backup restored later (docs/operators.md).
    named = report.keys and not all(key in who for key in report.keys)  # --response-only names it
    keys = f" (responses {', '.join(report.keys)})" if named else ""
    click.echo(f"erased {who}{keys} from {label}", err=True)
    if not report.wal_cleared:
        warn_wal(label)


def _confirmed(question: str) -> bool:
    """The organiser's yes or no; no answer at all (input ended) is a failure, with what to
    add: a script that forgot --yes has not done its work.

    click says a bare "Aborted!" when input ends, which tells a script nothing.
    Ctrl-C at a terminal is left to click: the person knows what they pressed.
    """
    try:
        return confirm(question)
    except click.Abort:
        if sys.stdin.isatty():
            raise
        click.echo("\nno answer (input ended); add --yes to erase without being asked", err=True)
        raise _NotErased("nothing was erased") from None


async def _respondent(
    store: SurveyStore, telegram_id: int | None, response_key: str | None
) -> Respondent | None:
    """Who the organiser named: by their Telegram id, or through one of their responses."""
    from storage import Channel

    if telegram_id is not None:
        return await store.get_respondent(Channel.TELEGRAM, str(telegram_id))
    response = await store.get_response_by_key(response_key or "")
    if response is None:
        return None
    return await store.get_respondent_by_id(response.respondent_id)


def _who(channel: str, external_id: str) -> str:
    """The respondent as the organiser knows them: a Telegram user by id, others by channel."""
    if channel == "telegram":
        return f"Telegram user {external_id}"
    return f"a respondent of the {channel} chat"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
