"""What the PostgreSQL backend checks before a value reaches the server.

Times travel as aware datetimes into `timestamptz` columns, but they are
checked with SQLite's rules (`storage.codecs`) so both backends refuse the
same inputs with the same words. PostgreSQL's text cannot hold the NUL
character (SQLite's can): it is refused here with a clear message rather
than by the server mid-transaction.
"""

from __future__ import annotations

import datetime as dt

from storage.codecs import check_text, encode_cutoff, encode_time
from storage.errors import StorageError


def moment(value: dt.datetime) -> dt.datetime:
    """A time as stored: refused if naive (as on SQLite), else in UTC."""
    encode_time(value)
    return value.astimezone(dt.UTC)


def cutoff(value: dt.datetime, now: dt.datetime, what: str) -> dt.datetime:
    """A time that must not be after `now` (see `storage.codecs.encode_cutoff`)."""
    encode_cutoff(value, now, what)
    return value.astimezone(dt.UTC)


def text(what: str, value: str | None) -> str | None:
    """A text as stored; refused if PostgreSQL cannot hold it. `what` names it for the message."""
    if value is not None and "\x00" in value:
        raise StorageError(
            f"cannot store {what}: it contains a NUL character (\\x00), which "
            "PostgreSQL text cannot hold; remove it"
        )
    return value


def other_text(question_id: str, value: str | None) -> str | None:
    """An answer's other-text, checked as on SQLite and for PostgreSQL."""
    return text(f"the other-text of {question_id!r}", check_text(question_id, value))


def affected(status: str) -> int:
    """The row count of a command's status ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0
