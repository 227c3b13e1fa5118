"""Writing output files without ever destroying data.

Every command that writes a file (the export, its codebook and workbook, the
drop-off chart, the invitation kit) goes through here:

- `refuse_protected` refuses a target that is the database, its `-wal`, `-shm`
  or `-journal` file, or the same file as another target of the same command;
- `existing_files` names the targets that would replace a regular file, which
  the command line asks about (or wants `--force` for);
- `open_output` writes. A regular file or a new path is written to a temporary
  file beside it (`tempfile.mkstemp`: a random name, created with O_EXCL,
  mode 600) and renamed over it at the end, so the result is mode 600 too, and
  the temporary file is removed on an error and on SIGTERM or SIGINT. A
  character device (`/dev/null`), a named pipe or a socket is opened and
  written directly, never replaced, and so is the pipe a link reaches that
  resolves to no path (the shell's `>(gzip > r.csv.gz)`: `/dev/fd/63`, a link to
  `pipe:[…]`). Nothing can be named beside either: a command writing one file per
  flow asks for one flow instead (`one_per_flow_refused`). A symbolic link is
  followed deliberately: the file it points to is written (replaced by the
  rename, in its own folder), and the link itself stays as it was.

A write that fails (a full disk, a quota, a file too large) is an OutputError
naming the file, like a file that cannot be opened: never a bare OSError.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, Final

from exports.errors import ExportError
from storage import disk_full

SIDECARS: Final = ("-wal", "-shm", "-journal")
"""SQLite's files beside a database: writing over one corrupts or empties the database."""
SIGNALS: Final = (signal.SIGTERM, signal.SIGINT)
# Without these flags (not on Windows), the checks below still hold; they only narrow races.
NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
NOCTTY: Final = getattr(os, "O_NOCTTY", 0)
"""A terminal written to must not become the process's controlling terminal."""
FULL: Final = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""A full disk, or a full quota: the same advice."""
WRITE_ERRNOS: Final = FULL | {errno.EFBIG, errno.EIO}
"""What a write (not an open) fails with: full, a file too large for its limit, a device."""


class OutputError(ExportError):
    """An output file cannot be written as asked, or writing it would destroy data."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT stopped a write; its temporary file is already gone.

    A KeyboardInterrupt, so that a notebook or a caller that handles Ctrl+C
    handles it too; `signum` says which signal it was.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def refuse_protected(targets: Iterable[Path], *, database: Path | None = None) -> None:
    """OutputError if a target is the database (or one of its files), or twice the same file."""
    seen: list[Path] = []
    for target in targets:
        if database is not None:
            for suffix in ("", *SIDECARS):
                protected = Path(f"{database}{suffix}")
                if same_file(target, protected):
                    what = f"the database's {suffix[1:]} file" if suffix else "the database"
                    named = "" if str(target) == str(protected) else f" ({protected})"
                    raise OutputError(
                        f"{target} is {what}{named}: writing there would destroy "
                        "the responses; choose another file name"
                    )
        for earlier in seen:
            if same_file(target, earlier):
                same = (
                    f"{target} is given twice"
                    if str(target) == str(earlier)
                    else (f"{earlier} and {target} are the same file")
                )
                raise OutputError(f"{same}: give each output its own name")
        seen.append(target)


def same_file(one: str | os.PathLike[str], other: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file: the same inode (a hard or symbolic link), or, for a
    file not created yet (a `-wal` appears only while the bot writes), the same resolved path."""
    try:
        if os.path.samefile(one, other):
            return True
    except OSError:
        pass  # one of them does not exist (yet)
    return os.path.realpath(one) == os.path.realpath(other)


def write_failure(error: BaseException) -> str | None:
    """Why a write failed, to follow "cannot write FILE: ", or None if `error` is not one.

    A full disk is said as every command says it (`storage.disk_full`).
    """
    if not isinstance(error, OSError) or error.errno not in WRITE_ERRNOS:
        return None
    return disk_full("it") if error.errno in FULL else error.strerror or str(error)


def existing_files(targets: Iterable[Path]) -> list[Path]:
    """The targets that name an existing regular file (through a link too): writing replaces it.

    Devices and pipes are not listed: writing to them replaces nothing.
    """
    return [target for target in targets if target.is_file()]


def written_in_place(target: str | os.PathLike[str]) -> bool:
    """Whether `open_output` writes `target` as it is, replacing nothing: a character device
    (`/dev/null`), a named pipe (`>(gzip > r.csv.gz)` is one) or a socket, through a link too."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False  # a new file; or one `open_output` cannot write, which it will say
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def one_per_flow_refused(
    targets: Iterable[tuple[str, Path | None]], flows: Sequence[str]
) -> str | None:
    """Why a command writing one file per flow (`flows`: what --flow picks each by) cannot
    do so beside these (option, path) targets; None if it can.

    Each flow's file is named after the target (`out.csv` -> `out-entreprise.csv`).
    Beside a device or a pipe, that is no file asked for: `/dev/null-entreprise`, a
    regular file in /dev, or `/dev/fd/63-entreprise`, which cannot be made; and the
    device or pipe itself, which the analyst named, would get nothing.
    """
    for option, path in targets:
        if path is not None and written_in_place(path):
            return (
                f"{option} {path} is a device or a pipe, which takes one questionnaire's "
                f"export, and {len(flows)} are configured ({', '.join(flows)}): pick one "
                f"with --flow (--flow {flows[0]}), one command each"
            )
    return None


def write_output(target: str | os.PathLike[str], data: bytes, *, what: str = "") -> None:
    """Write `data` to `target` as `open_output` does."""
    with open_output(target, what=what) as stream:
        stream.write(data)


@contextmanager
def open_output(target: str | os.PathLike[str], *, what: str = "") -> Iterator[BinaryIO]:
    """A binary stream for `target`: written beside and renamed, or written directly.

    See the module's docstring: regular files and new paths are replaced at the
    end (mode 600) and never left half-written; devices and pipes are written
    directly; a symbolic link is followed, and its target written. `what`
    ("the chart") names the file in error messages.
    """
    path = Path(target)
    cannot = f"cannot write {what} to {path}" if what else f"cannot write {path}"
    real = Path(os.path.realpath(path))
    try:
        mode: int | None = real.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new file; whether its folder exists, mkstemp will say
    except OSError as exc:
        raise OutputError(f"{cannot}: {exc.strerror}") from exc
    if mode is None and written_in_place(path):
        # A link that resolves to no path reaches a pipe: the shell's `>(gzip > r.csv.gz)`
        # is /dev/fd/63, a link to "pipe:[…]". Opened through the link, as the shell meant.
        with _written_directly(path, cannot, follow=True) as stream:
            yield stream
        return
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{cannot}: it is a directory; give a file name")
    if mode is not None and not stat.S_ISREG(mode):
        with _written_directly(real, cannot) as stream:
            yield stream
        return
    with _replaced(real, cannot) as stream:
        yield stream


@contextmanager
def _written_directly(real: Path, cannot: str, *, follow: bool = False) -> Iterator[BinaryIO]:
    """A device or pipe, opened as it is: no O_CREAT, no O_TRUNC, no rename; through links
    only when `follow`ing (what it reached is checked all the same)."""
    try:
        fd = os.open(real, os.O_WRONLY | (0 if follow else NOFOLLOW) | CLOEXEC | NOCTTY)
    except OSError as exc:
        raise OutputError(f"{cannot}: {exc.strerror}") from exc
    if stat.S_ISREG(os.fstat(fd).st_mode):
        # Swapped for a regular file since it was looked at: writing would overwrite in place.
        os.close(fd)
        raise OutputError(f"{cannot}: it changed while being opened; try again")
    with _stream(fd, cannot) as stream:
        yield stream


@contextmanager
def _replaced(real: Path, cannot: str) -> Iterator[BinaryIO]:
    """A temporary file beside `real`, renamed over it once written."""
    with _STOPPER as stopper:
        # A signal while the temporary file is being created waits until its name is known.
        stopper.hold()
        fd, name = _temporary(real, cannot)
        stream = _stream(fd, cannot)
        try:
            stopper.release()
            with stream:
                yield stream
                _finish(stream, name, real, cannot)
        except BaseException:
            stopper.hold()  # a second Ctrl+C must not interrupt the cleaning up
            with suppress(OSError, OutputError):
                stream.close()  # on a full disk its flush fails again: remove the file anyway
            Path(name).unlink(missing_ok=True)
            raise


def _finish(stream: BinaryIO, name: str, real: Path, cannot: str) -> None:
    """On disk, then in place: a crash after this leaves the new file, before it the old one."""
    try:
        stream.flush()
        os.fsync(stream.fileno())
        os.replace(name, real)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile
        raise OutputError(f"{cannot}: {write_failure(exc) or exc.strerror or exc}") from exc


def _temporary(real: Path, cannot: str) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
    except OSError as exc:
        _raise_write_failure(exc, cannot)  # a disk with no room left even for a new name
        raise OutputError(
            f"{cannot}: {exc.strerror}; check that its directory exists and is writable"
        ) from exc


def _raise_write_failure(error: BaseException, cannot: str) -> None:
    """Raise OutputError naming the file if `error` is a failed write; else return."""
    reason = write_failure(error)
    if reason is not None:
        raise OutputError(f"{cannot}: {reason}") from error


def _stream(fd: int, cannot: str) -> BinaryIO:
    """A buffered stream on `fd` whose failed writes are OutputErrors naming the file."""
    return io.BufferedWriter(_Named(fd, cannot))


class _Named(io.FileIO):
    """A file whose failed writes say which file it is.

    Raised where the write fails: an export writes up to three files at once,
    and an error passing through the others' `with` blocks on its way out must
    still name the one that failed.
    """

    def __init__(self, fd: int, cannot: str) -> None:
        super().__init__(fd, "wb")
        self._cannot = cannot

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            _raise_write_failure(exc, self._cannot)
            raise


class _Stopper:
    """While a file is being written, SIGTERM and SIGINT raise `Interrupted`.

    The default SIGTERM ends the process at once, leaving the temporary file
    (personal data) behind; raising instead lets each write remove its own.
    Handlers can be set in the main thread only: elsewhere this does nothing.
    Nested writes (an export writes up to three files) share the one handler,
    installed by the outermost and restored when it ends.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._held = False
        self._pending: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Stopper:
        if not _in_main_thread():
            return self
        if self._depth == 0:
            self._previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
            self._held, self._pending = False, None
            for signum in SIGNALS:
                signal.signal(signum, self._on_signal)
        self._depth += 1
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if not _in_main_thread():
            return
        self._depth -= 1
        if self._depth:
            return
        for signum, handler in self._previous.items():
            # None: a handler not set from Python; the default is the closest.
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        pending, self._pending = self._pending, None
        if pending is not None and error is None:
            raise Interrupted(pending)

    def hold(self) -> None:
        """Keep a signal for `release` rather than raising it where it lands."""
        if _in_main_thread():
            self._held = True

    def release(self) -> None:
        """Stop holding signals; one that came meanwhile is raised now."""
        if not _in_main_thread():
            return
        self._held = False
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._held = True  # raised once: the rest of the way out is cleaning up
            raise Interrupted(pending)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._held:
            self._pending = self._pending or signum
            return
        self._held = True
        raise Interrupted(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


_STOPPER: Final = _Stopper()
