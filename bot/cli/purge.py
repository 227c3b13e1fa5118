"""`surveybot purge`: the retention period applied, the rehearsals cleared, and unfinished
responses of a stopped bot closed as abandoned.

It writes to the database, so it refuses to create a SQLite file that does not exist
(`require_database`). Counts go to standard output as `name: number` lines; messages to
standard error.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import click

from bot.cli.common import database_label, fail, require_database, warn_wal
from bot.cli.loading import load_settings
from bot.cli.options import CONTEXT, DB_OPTION, to_day

if TYPE_CHECKING:
    from storage import SurveyStore

# A century: longer is a typo, and would reach before the calendar's year 1.
MAX_DAYS = 36_500
DAY = dt.timedelta(days=1)


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
    first marked abandoned (their answers are kept); given alone, it closes them
    and deletes nothing, for a bot stopped for good. Safe while the bot is
    running, which also purges and marks daily by itself
    (SURVEYBOT_RETENTION_DAYS, SURVEYBOT_ABANDON_AFTER_DAYS).

    Example: surveybot purge --older-than 365 --abandon-after-days 14 --dry-run

    Example: surveybot purge --before 2019-06-05 --dry-run

    Example: surveybot purge --abandon-after-days 14
    """
    import asyncio

    from bot.settings import DatabaseSettings
    from storage import StorageError, open_store

    if days is not None and day is not None:
        raise click.UsageError("give --older-than DAYS or --before YYYY-MM-DD, not both")
    abandon_after = _abandon_after(abandon_days, hours)
    if days is None and day is None and abandon_after is None:
        raise click.UsageError(
            "say what to delete: --older-than DAYS or --before YYYY-MM-DD (or, to close "
            "unfinished responses as abandoned alone, --abandon-after-days DAYS)"
        )
    now = dt.datetime.now(dt.UTC)
    # --abandon-after-days alone: unfinished responses of a bot stopped for good, closed.
    deleting = days is not None or day is not None
    before, cutoff = _cutoff(now, days, day, timezone) if deleting else (now, "")
    settings = load_settings(DatabaseSettings, db=db)
    require_database(settings.db)
    label = database_label(settings.db)

    async def go() -> None:
        store = await open_store(settings.db)
        try:
            if not deleting:
                assert abandon_after is not None
                await _abandon_only(store, label, now, abandon_after, dry_run=dry_run)
                return
            await _purge(
                store,
                label,
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


async def _abandon_only(
    store: SurveyStore, label: str, now: dt.datetime, idle: dt.timedelta, *, dry_run: bool
) -> None:
    """Close the unfinished responses untouched for `idle` as abandoned; delete nothing."""
    closed = await store.abandon_stale(idle_since=now - idle, now=now, dry_run=dry_run)
    click.echo(f"abandoned: {closed}")
    what = f"{_plural(closed, 'unfinished response')} untouched for {idle / DAY:g} days"
    if dry_run:
        click.echo(f"dry run: nothing changed; {what} would be closed as abandoned", err=True)
    else:
        click.echo(
            f"closed {what} as abandoned in {label}; answers kept, nothing deleted", err=True
        )


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
    # Only what the purge keeps: a response it deletes is not also counted as closed.
    abandoned = None
    if abandon_after is not None:
        idle_since = now - abandon_after
        abandoned = await store.abandon_stale(
            idle_since=idle_since, now=now, dry_run=dry_run, kept_from=before
        )
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
        warn_wal(label)


def _minutes(delay: dt.timedelta) -> str:
    return _plural(round(delay.total_seconds() / 60), "minute")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
