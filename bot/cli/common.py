"""What every command shares: failing, asking yes or no, checking and naming the database.

Every module of the package may import it, and it imports none of them; the store
comes in inside functions, so `surveybot --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, NoReturn

import click


def fail(message: str) -> NoReturn:
    """Say what went wrong on standard error and exit with status 1 (a domain error)."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def confirm(question: str) -> bool:
    """Ask a yes/no question on standard error, "[y/N]" as click.confirm, in French too.

    The organisers are French: "o" and "oui" say yes as "y" and "yes" do, "non" no
    as "n" and "no", in any case, spaces around ignored. Enter is no; anything else
    is asked again; end of input or Ctrl-C aborts, as click does.
    """
    answer: bool = click.prompt(
        f"{question} [y/N]", default="", show_default=False, value_proc=_yes_or_no, err=True
    )
    return answer


def _yes_or_no(answer: str) -> bool:
    said = answer.strip().lower()
    if said in YES:
        return True
    if said in NO or not said:
        return False
    raise click.BadParameter("please answer y or n (o, oui and non work too)")


YES: Final = frozenset({"y", "yes", "o", "oui"})
NO: Final = frozenset({"n", "no", "non"})


def require_database(target: Path | str) -> None:
    """Exit with a clear message when there is no SQLite file to read or change.

    A PostgreSQL database is not checked here: opening it never creates it,
    and the server's refusal is reported when the store is opened.
    """
    from storage import not_permitted, unreadable_database

    try:
        if isinstance(target, Path) and target.is_dir():
            fail(str(unreadable_database(target, "check the path (SURVEYBOT_DB or --db)")))
    except PermissionError:
        # The database's folder is another user's (docs/operators.md: folder 750, files 600); Python
        # 3.11's is_dir() lets this one through.
        fail(str(not_permitted(Path(target), "read database")))
    # Opening a missing file would create an empty database: nothing to read or erase in one.
    if isinstance(target, Path) and not target.is_file():
        fail(
            f"no database at {target}: nothing has been answered with this setup yet; "
            "check --db or SURVEYBOT_DB"
        )
    # SQLite takes a 0-byte file for a new database and would make it one; worded as the
    # export's snapshot refuses it (storage.snapshot), so every command says the same.
    if isinstance(target, Path) and target.stat().st_size == 0:
        fail(
            f"cannot read database {target}: the file is empty (0 bytes), not a surveybot "
            "database; check the path (SURVEYBOT_DB or --db)"
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


def warn_wal(path: str) -> None:
    """After an erasure or a purge: the deleted rows stay in the -wal file a reader held."""
    # Only SQLite reports an uncleared log: PostgreSQL has no -wal file beside the database.
    click.echo(
        f"warning: another program was reading {path} (an export, `surveybot stats`?), so "
        "its -wal file could not be emptied: the deleted rows stay readable there until a "
        "running bot or web chat empties it, within five minutes of that program's end; "
        "with none running, run this command again once it is done",
        err=True,
    )
