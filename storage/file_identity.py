"""Whether the SQLite file's path still names the file the writer has open.

An operator who deletes `surveybot.sqlite3` (with its -wal and -shm) while surveybot
runs, moves it, or moves a backup into its place (`mv`) without stopping the bot, leaves the
process writing into a file no path names any more: SQLite goes on without a word,
every answer acknowledged from then on lands there too, and all of them are gone when
the process stops. So `Database` records the file's identity (device and inode) when
it opens it, and the writer's thread compares the path's with it when it opens a group
(nothing more goes into a file nobody will find) and after each COMMIT (no answer is
acknowledged unless it is in the file the path names). A `stat` costs about a
microsecond, next to the milliseconds of a COMMIT's fsync.

When they differ the write fails with `FileReplaced`, an `Unavailable`: the channels
say nothing could be saved instead of acknowledging, the health check answers 503, and
the log says once what happened and what to do. Nothing is latched: a file moved back
under its name is written again. At the first mismatch the writer copies the log into
the open file, so that a copy of it taken from /proc holds every committed answer
(`recovery_hint`). A backup copied over the file in place (`cp`) keeps its device and
inode, and cannot be told: docs/operators.md says never to do that while surveybot runs. The
path is kept absolute, as SQLite resolved it at open: a relative one (the default
`surveybot.sqlite3`) would name another file after a change of directory.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What tells one file from another on this machine, whatever its name; and the
    absolute path that must go on naming it."""

    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        """The identity of the file `path` names now, against the current directory."""
        path = path.absolute()
        found = os.stat(path)
        return cls(path, found.st_dev, found.st_ino)


class FileReplaced(Exception):
    """Raised on the writer's thread: the path no longer names the open file (`what`
    happened to it: "deleted or moved away", "replaced by another file")."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def check_same_file(identity: FileIdentity) -> None:
    """On the writer's thread: raise `FileReplaced` unless its path still names `identity`."""
    try:
        found = os.stat(identity.path)
    except FileNotFoundError:
        raise FileReplaced("deleted or moved away") from None
    if found.st_ino != identity.inode or found.st_dev != identity.device:
        raise FileReplaced("replaced by another file")


def checkpoint_what_is_left(conn: sqlite3.Connection) -> None:
    """Copy the committed log into the open (deleted) file, so a copy of that file alone,
    from /proc, holds every committed answer; no more is written to it after."""
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def open_descriptor(identity: FileIdentity) -> Path | None:
    """A /proc path through which this process's open copy of the file can still be read
    (Linux); None where there is no such thing."""
    fds = Path("/proc/self/fd")
    with contextlib.suppress(OSError):
        for fd in sorted(fds.iterdir(), key=lambda entry: int(entry.name)):
            with contextlib.suppress(OSError, ValueError):
                found = os.stat(fd)
                if (found.st_dev, found.st_ino) == (identity.device, identity.inode):
                    return Path(f"/proc/{os.getpid()}/fd/{fd.name}")
    return None


def refusal(path: Path, what: str, action: str) -> str:
    """The message of each write refused: what a caller (and a log line) gets."""
    return (
        f"cannot {action}: the database file {path} was {what} while surveybot runs, "
        "so nothing can be saved; stop surveybot, put the file back (or restore it), "
        "and start it again"
    )


def recovery_hint(what: str, identity: FileIdentity) -> str:
    """The one ERROR line for the operator: what happened, how to save the answers still
    in the open file, and what to do (absolute paths: the operator's shell is elsewhere)."""
    path = identity.path
    recovered = path.with_name(path.name + ".recovered")
    source = open_descriptor(identity)
    if source is not None:
        keep = (
            f"The answers saved so far are still in the file surveybot has open: copy it "
            f"now, as root or as the user running surveybot, before stopping it: "
            f"`cp {source} {recovered}`. "
        )
    else:
        keep = (
            "The answers saved since your last backup are only in the file surveybot has "
            "open, and go with it when surveybot stops. "
        )
    return (
        f"the database file {path} was {what} while surveybot runs: answers are refused "
        f"from now on (respondents are told nothing could be saved). {keep}Then stop "
        f"surveybot; put the file back at {path} (that copy, or a backup: then with no "
        f"{path.name}-wal or {path.name}-shm file left beside it); start surveybot again."
    )
