"""`surveybot migrate-db`: move a tour's database, SQLite to PostgreSQL (or back).

The copy itself is `storage.transfer.copy_database`: one snapshot of the
source, one transaction on the target, counts checked before it commits.
Counts go to standard output as `table: rows` lines; messages to standard error.
"""

from __future__ import annotations

import click

from bot.cli.common import database_label, fail
from bot.cli.loading import load_settings
from bot.cli.options import CONTEXT


@click.command("migrate-db", context_settings=CONTEXT)
@click.option(
    "--from",
    "source",
    metavar="PATH|URL",
    help="The database to copy: a SQLite file or a postgresql:// URL "
    "(default: SURVEYBOT_DB, else surveybot.sqlite3).",
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="PATH|URL",
    help="The empty database to fill: postgresql://user@host/db (create it first with "
    "createdb), or a new SQLite file. Put the password in PGPASSWORD or ~/.pgpass, "
    "not on the command line.",
)
def migrate_db(source: str | None, target: str) -> None:
    """Copy every response, answer and respondent to another, empty database.

    Ids and response keys are kept, so earlier exports still match. The source
    is only read, in one consistent snapshot (a bot still writing there is not
    disturbed, but what it writes afterwards is not copied: stop it first).
    The target is written in one transaction and must hold no data: a copy
    never merges into or overwrites a database in use. The rows per table are
    checked against the source's before the copy commits, and printed.

    Example: surveybot migrate-db --from surveybot.sqlite3 --to postgresql://surveybot@db.example.org/tour
    """
    import asyncio

    from bot.settings import DatabaseSettings
    from storage import StorageError, copy_database

    source_db = load_settings(DatabaseSettings, {"db": "--from"}, db=source).db
    target_db = load_settings(DatabaseSettings, {"db": "--to"}, db=target).db
    click.echo(f"copying {database_label(source_db)} to {database_label(target_db)}...", err=True)
    try:
        report = asyncio.run(copy_database(source_db, target_db))
    except StorageError as error:
        fail(str(error))
    for table, rows in report.counts.items():
        click.echo(f"{table}: {rows}")
    total = sum(report.counts.values())
    click.echo(
        f"copied {total} row{'s' if total != 1 else ''} in {len(report.counts)} tables to "
        f"{report.target}; the counts match the source's",
        err=True,
    )
