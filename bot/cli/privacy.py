"""`surveybot erase` and `surveybot purge`: a respondent's erasure, and the retention period.

Both write to the database, so they refuse to create a SQLite file that does not exist,
or to make one of a 0-byte file, a wrong path (a PostgreSQL database is never created by
opening it).
Counts go to standard output as `name: number` lines; messages to standard error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import confirm, database_label, fail, require_database
from bot.cli.loading import load_settings
from bot.cli.options import CONTEXT, DB_OPTION, to_day

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
        _warn_wal(label)


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


# A century: longer is a typo, and would reach before the calendar's year 1.
MAX_DAYS = 36_500


def _day_count(text: str, *, whole: bool) -> float:
    """DAYS as typed, more than 0 and at most a century, or BadParameter saying so in days.

    click's ranges said "0.0 is not in the range 0<x<=36500" of a typed 0.
    """
    example = "365" if whole else "14 or 0.5"
    try:
        days = int(text) if whole else float(text)
    except ValueError:
        days = math.nan
    if math.isnan(days):  # "nan" reads as a float, and is in no range
        kind = "a whole number of days" if whole else "a number of days"
        raise click.BadParameter(f"'{text}' is not {kind}: give one like {example}")
    if days <= 0:
        raise click.BadParameter(f"{text} days is too short: give more than 0, like {example}")
    if days > MAX_DAYS:
        raise click.BadParameter(f"{text} days is too long: give at most {MAX_DAYS} (a century)")
    return days


def _whole_days(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    return None if value is None else int(_day_count(value, whole=True))


def _days(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    return None if value is None else _day_count(value, whole=False)


@click.command(context_settings=CONTEXT)
@click.option(
    "--older-than",
    "days",
    callback=_whole_days,
    metavar="DAYS",
    help="Delete the responses started more than DAYS days ago.",
)
@click.option(
    "--before",
    "day",
    callback=to_day,
    metavar="YYYY-MM-DD",
    help="Instead, delete the responses started before this day, a day in the respondents' "
    "zone (SURVEYBOT_TIMEZONE, Europe/Paris by default): the rehearsals, given the first "
    "workshop's day. Today at the latest.",
)
@click.option(
    "--abandon-after-days",
    "abandon_days",
    callback=_days,
    metavar="DAYS",
    help="Also close unfinished responses untouched for DAYS days as abandoned "
    "(as the bot does with SURVEYBOT_ABANDON_AFTER_DAYS).",
)
@click.option(
    "--abandon-after",
    "hours",
    type=click.IntRange(min=1, max=MAX_DAYS * 24),
    metavar="HOURS",
    hidden=True,
    help="Deprecated: the same in hours; use --abandon-after-days.",
)
@click.option(
    "--timezone",
    metavar="ZONE",
    help="The zone --before's day is in, like Europe/Paris (SURVEYBOT_TIMEZONE).",
)
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Count what would change, change nothing.")
def purge(
    days: int | None,
    day: dt.date | None,
    abandon_days: float | None,
    hours: int | None,
    timezone: str | None,
    db: str | None,
    dry_run: bool,
) -> None:
    """Apply the retention period, or clear the rehearsals: delete old responses.

    Deletes the responses started more than DAYS days ago (or before the day
    --before names), with their answers, the consent refusals as old, and the
    respondents left with nothing; and what a stopped bot or web chat left that it
    would have deleted itself within minutes: the Telegram updates handled over
    five minutes ago in its inbox (names and texts), and the answers typed in the
    web chat and refused that waited over two minutes for their page. With
    --abandon-after-days, unfinished responses untouched for that many days are
    first marked abandoned (their answers are kept). Safe while the bot is
    running, which also purges and marks daily by itself
    (SURVEYBOT_RETENTION_DAYS, SURVEYBOT_ABANDON_AFTER_DAYS).

    Example: surveybot purge --older-than 365 --abandon-after-days 14 --dry-run

    Example: surveybot purge --before 2019-06-05 --dry-run
    """
    import asyncio

    from bot.settings import DatabaseSettings
    from storage import StorageError, open_store

    if days is not None and day is not None:
        raise click.UsageError("give --older-than DAYS or --before YYYY-MM-DD, not both")
    if days is None and day is None and (abandon_days is not None or hours is not None):
        # Unfinished responses stay "in progress" once the bot is stopped for good.
        raise click.UsageError(
            "say what to delete too: --older-than DAYS or --before YYYY-MM-DD (to only "
            "mark unfinished responses abandoned, give a period nothing is as old as: "
            "--older-than 36500)"
        )
    if days is None and day is None:
        raise click.UsageError("say what to delete: --older-than DAYS or --before YYYY-MM-DD")
    abandon_after = _abandon_after(abandon_days, hours)
    now = dt.datetime.now(dt.UTC)
    before, cutoff = _cutoff(now, days, day, timezone)
    settings = load_settings(DatabaseSettings, db=db)
    require_database(settings.db)

    async def go() -> None:
        store = await open_store(settings.db)
        try:
            await _purge(
                store,
                database_label(settings.db),
                now=now,
                before=before,
                cutoff=cutoff,
                abandon_after=abandon_after,
                dry_run=dry_run,
            )
        finally:
            await store.close()

    try:
        asyncio.run(go())
    except StorageError as error:
        fail(str(error))


def _cutoff(
    now: dt.datetime, days: int | None, day: dt.date | None, timezone: str | None
) -> tuple[dt.datetime, str]:
    """The moment before which responses go, and how to say it.

    --before DAY: midnight starting DAY in the respondents' zone, as `stats --day`
    counts a day; a later day would take today's answers too, so it is refused.
    """
    if day is None:
        before = now - dt.timedelta(days=days or 0)
        return before, before.isoformat(timespec="seconds")
    from zoneinfo import ZoneInfo

    from bot.settings import ZoneSettings

    name = load_settings(ZoneSettings, timezone=timezone).timezone
    zone = ZoneInfo(name)
    today = now.astimezone(zone).date()
    if day > today:
        raise click.BadParameter(
            f"{day} is after today ({today} in {name}): it would delete every response, "
            "the answers given today too; give today at the latest",
            param_hint="'--before'",
        )
    try:
        # fold=0: a midnight skipped by a clock change reads as the first moment of the day.
        before = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    except OverflowError:  # a day of year 1, east of UTC: before anything stored
        before = dt.datetime.min.replace(tzinfo=dt.UTC)
    return before, f"{day} in {name}"


def _abandon_after(days: float | None, hours: int | None) -> dt.timedelta | None:
    """The idle time after which to close a response, from the flag given (if any)."""
    if hours is None:
        return None if days is None else dt.timedelta(days=days)
    if days is not None:
        raise click.UsageError(
            "give --abandon-after-days only (--abandon-after is its old name)",
            click.get_current_context(),
        )
    # Kept so that scripts written for it still run; in days like every other duration.
    click.echo(
        f"warning: --abandon-after HOURS is deprecated; use --abandon-after-days DAYS "
        f"(here --abandon-after-days {hours / 24:g})",
        err=True,
    )
    return dt.timedelta(hours=hours)


async def _purge(
    store: SurveyStore,
    label: str,
    *,
    now: dt.datetime,
    before: dt.datetime,
    cutoff: str,
    abandon_after: dt.timedelta | None,
    dry_run: bool,
) -> None:
    # Abandon first: it only changes statuses, so both counts are the same in a dry run.
    abandoned = None
    if abandon_after is not None:
        idle_since = now - abandon_after
        abandoned = await store.abandon_stale(idle_since=idle_since, now=now, dry_run=dry_run)
    # A bot stopped minutes after handling updates left them in its inbox, names and texts
    # (the running bot prunes them itself); pruned first, so the purge's clean-up of the
    # SQLite file covers them too.
    from storage import KEEP_DONE, KEPT_FOR

    pruned = 0 if dry_run else await store.prune_inbox(before=now - KEEP_DONE)
    # So do the web chat's refused typed answers (a serve stopped before its daily upkeep):
    # every one past its two minutes, which no page shows any more; a younger one may still
    # be waiting for a page of a running web chat, and goes within minutes.
    dropped = 0 if dry_run else await store.prune_kept_texts(now=now)
    report = await store.purge_older_than(before=before, now=now, dry_run=dry_run)
    click.echo(f"responses: {report.responses}")
    click.echo(f"answers: {report.answers}")
    click.echo(f"consent_refusals: {report.refusals}")
    click.echo(f"respondents: {report.respondents}")
    if abandoned is not None:
        click.echo(f"abandoned: {abandoned}")
    if dry_run:
        click.echo(
            f"dry run: nothing changed; the counts are what a real run would delete "
            f"(started before {cutoff})"
            + (" or close as abandoned" if abandon_after is not None else "")
            + "; it would also delete, uncounted here, the Telegram updates handled over "
            f"{_minutes(KEEP_DONE)} ago and the typed answers the web chat refused over "
            f"{_minutes(KEPT_FOR)} ago",
            err=True,
        )
        return
    click.echo(f"deleted what was started before {cutoff} from {label}", err=True)
    if pruned:
        updates = "update" if pruned == 1 else "updates"
        click.echo(
            f"also deleted {pruned} Telegram {updates} handled over {_minutes(KEEP_DONE)} ago",
            err=True,
        )
    if dropped:
        answers = "answer" if dropped == 1 else "answers"
        click.echo(
            f"also deleted {dropped} typed {answers} the web chat refused, kept for a page "
            f"that did not show it in {_minutes(KEPT_FOR)}",
            err=True,
        )
    if not report.wal_cleared:
        _warn_wal(label)


def _warn_wal(path: str) -> None:
    # Only SQLite reports an uncleared log: PostgreSQL has no -wal file beside the database.
    click.echo(
        f"warning: another program was reading {path} (an export, `surveybot stats`?), so "
        "its -wal file could not be emptied: the deleted rows stay readable there until a "
        "running bot or web chat empties it, within five minutes of that program's end; "
        "with none running, run this command again once it is done",
        err=True,
    )


def _minutes(delay: dt.timedelta) -> str:
    return _plural(round(delay.total_seconds() / 60), "minute")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
