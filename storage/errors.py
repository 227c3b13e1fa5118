"""The storage package's exceptions, and the wording of a full disk.

Library code raises them; the edges (CLI, Telegram error handler, terminal
chat) turn them into text. Messages say what failed, where (the database
path), and how to fix it.
"""

import contextlib
import os
from pathlib import Path


class StorageError(Exception):
    """A database operation failed, or the database cannot be used as asked."""


class Unavailable(StorageError):
    """The database is out of reach for now: the server down, restarting or lost, too many
    connections, the file kept locked by another process, its disk full. The same
    operation may succeed later; a channel waits and tries again rather than apologise."""


class NoTablesYet(StorageError):
    """A reader found a database no surveybot has written to yet (a fresh PostgreSQL one,
    an empty file): refused for a report, but nothing there to compare a flow with."""


class NotFound(StorageError):
    """A row an operation needs is not there.

    Raised by the SQL functions, which do not know the file; the database raises it
    again naming the action and the file, still a `NotFound`, so a caller may take a
    row gone meanwhile (a respondent who erased everything) as nothing to do.
    """

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(f"{what}{hint}")
        self.what = what
        """What is missing, such as "no such response"."""
        self.hint = hint
        """How to fix it, starting with "; " (or empty)."""


class Conflict(StorageError):
    """A write was refused, and nothing written, because the data it was decided on changed.

    With several instances on one database: the update was applied meanwhile
    (`already_applied`), or another input of the same respondent changed their
    response first. The caller reads again and decides again on what is stored.
    """

    def __init__(self, message: str, *, already_applied: bool = False) -> None:
        super().__init__(message)
        self.already_applied = already_applied
        """The update id was recorded by another write: the update is handled."""


def already_applied(update_id: int) -> Conflict:
    """The Conflict for a write whose update id another write has recorded first."""
    return Conflict(f"update {update_id} was already applied", already_applied=True)


def disk_full(place: object) -> str:
    """What to say when the disk holding `place` (a database, an output file, "it") is full.

    One wording for the whole command line: the database here, the export's files in
    `exports.files`.
    """
    return f"the disk holding {place} is full; free some space and retry"


def unreadable_database(path: Path, check: str) -> StorageError:
    """Why no database can be read at `path` (a directory, or nothing there); `check`
    names what to correct, such as the option the path came from.

    One wording for every reader: the export's snapshot, a copy's source, the CLI."""
    what = "it is a directory; pass the database file" if path.is_dir() else "no such file"
    return StorageError(f"cannot read database {path}: {what}; {check}")


def not_permitted(path: Path, action: str) -> StorageError:
    """The user running the command may not reach `path`: the database's folder or file
    belongs to another user (docs/operators.md's layout: folder 750, files 600). Python's
    `Path.is_dir()` and SQLite would say only "Permission denied", "unable to open"."""
    owner = owner_of(path)
    if owner is not None and owner == _me():
        return StorageError(
            f"cannot {action} {path}: permission denied; give its owner ({owner}) read and "
            "write access to the file and its folder"
        )
    example = f" ({owner}: `sudo -u {owner} surveybot …`)" if owner else ""
    return StorageError(
        f"cannot {action} {path}: permission denied; run the command as the user that "
        f"owns the database{example}"
    )


def owner_of(path: Path) -> str | None:
    """The name of the user owning `path`, or else the nearest folder above it we can see."""
    for place in (path, *path.absolute().parents):
        with contextlib.suppress(OSError):
            uid = place.stat().st_uid
            try:
                import pwd  # not on Windows
            except ImportError:
                return None
            with contextlib.suppress(KeyError):
                return pwd.getpwuid(uid).pw_name
            return None
    return None


def cannot_write(path: Path) -> str:
    """Why SQLite said "attempt to write a readonly database", and what to do.

    Even a command that only reads (`stats`, `export`) needs to write beside the file
    when no surveybot has it open: SQLite makes its -shm file there, and fails so too.
    """
    if os.access(path, os.W_OK) and os.access(path.absolute().parent, os.W_OK | os.X_OK):
        return (
            f"SQLite refused to write to {path}, though this user may write it and its "
            "folder: the connection was opened read-only"
        )
    owner = owner_of(path)
    what = (
        f"this user cannot write {path} or its folder, which SQLite needs even for a command "
        f"that only reads: it keeps a shared-memory file ({path.name}-shm) beside the database"
    )
    if owner is not None and owner != _me():
        return (
            f"{what}; run the command as the user that owns the database ({owner}: "
            f"`sudo -u {owner} surveybot …`), or give this user write access to the file "
            "and its folder"
        )
    return f"{what}; give this user write access to the file and its folder"


def _me() -> str | None:
    try:
        import pwd  # not on Windows
    except ImportError:
        return None
    with contextlib.suppress(KeyError):
        return pwd.getpwuid(os.geteuid()).pw_name
    return None


def cannot_reach(path: Path, action: str) -> StorageError | None:
    """`not_permitted` when this user may not read `path` (or search its folder); None when
    it may, or when nothing is there."""
    try:
        os.stat(path)
    except PermissionError:
        return not_permitted(path, action)
    except OSError:
        return None
    return None if os.access(path, os.R_OK) else not_permitted(path, action)


def directory_given(path: Path, action: str, check: str = "") -> StorageError:
    """A directory given where a database file is to be opened or created: SQLite
    itself would only say "unable to open" or "disk I/O error"."""
    then = f"; {check}" if check else ""
    return StorageError(
        f"cannot {action} {path}: it is a directory; "
        f"pass a file path such as {path / 'surveybot.sqlite3'}{then}"
    )


def refuse_newer(label: str, version: int, latest: int) -> None:
    """Refuse a database migrated by a newer surveybot: its data may mean something else."""
    if version > latest:
        raise StorageError(
            f"cannot use database {label}: its schema is at version {version}, newer "
            f"than this surveybot knows ({latest}); upgrade surveybot"
        )


def refuse_other_schema(label: str, version: int, latest: int) -> None:
    """Refuse, for a reader that cannot migrate, a database `label` whose schema is at
    `version`, not `latest`: newer (upgrade surveybot), older, or none at all (a database
    no surveybot has opened to write yet, such as a fresh PostgreSQL one)."""
    refuse_newer(label, version, latest)
    if version == 0:
        # Said as the SQLite file that does not exist yet is (bot/cli/common.py); not
        # `surveybot chat`, which would put a rehearsal into the tour's database.
        raise NoTablesYet(
            f"cannot read database {label}: it has no surveybot tables, nothing has been "
            "answered on it yet; check --db or SURVEYBOT_DB, or start the bot or the web "
            "chat on it (`surveybot run`, `surveybot serve`), which create them"
        )
    if version < latest:
        raise StorageError(
            f"cannot read database {label}: it has its schema at version {version}, this "
            f"surveybot needs {latest}; open it once read-write (start the bot or `surveybot "
            "chat` with this SURVEYBOT_DB) to create or migrate it"
        )
