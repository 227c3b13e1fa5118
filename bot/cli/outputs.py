"""What the commands that write files share: names per flow, --force, the checks, SIGTERM.

`export`, `stats --plot` and `links --out` check their output paths before
doing any work: never the database or its files; an existing file is replaced
only with --force, or, at a terminal, once the user said yes. The writing
itself (beside and renamed, mode 600, devices and pipes written directly,
symbolic links followed) is `exports.files`'. Standard output failing (`>
/dev/full`, a full disk) is one line too: `OutputGroup`, under the group's class
(`bot.cli.usage.Surveybot`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import click

from bot.cli.common import confirm, fail

if TYPE_CHECKING:
    from flows import Flow

FORCE_OPTION: Final = click.option(
    "--force",
    is_flag=True,
    help="Replace output files that exist without asking (for scripts).",
)
NAMED: Final = 3
"""How many existing files a refusal names; `links` can find dozens from an earlier run."""


# Below this many responses an export is quick: no progress line.
PROGRESS_FROM: Final = 5000


def progress_reporter(stream: IO[str], *, at_least: int = PROGRESS_FROM) -> Any:
    """A progress callback writing to `stream` if it is a terminal, else None (quiet)."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return None

    def report(done: int, total: int) -> None:
        if total < at_least:
            return
        stream.write(f"\rexporting: {done}/{total} responses ({100 * done // total} %)")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def check_outputs(targets: Iterable[Path | None], *, database: Path | None, force: bool) -> None:
    """Exit with a clear message if an output is the database, or an existing file without
    --force (at a terminal, ask first)."""
    from exports import existing_files

    paths = [target for target in targets if target is not None]
    refuse_database(paths, database=database)
    existing = existing_files(paths)
    if not existing or force:
        return
    named = ", ".join(str(path) for path in existing[:NAMED])
    if len(existing) > NAMED:
        named += f" and {len(existing) - NAMED} more"
    verb, them = ("exists", "it") if len(existing) == 1 else ("exist", "them")
    if sys.stdin.isatty():
        if confirm(f"{named} already {verb}: replace {them}?"):
            return
        # Answering no is a choice, not a failure: said plainly, exit 0.
        kept = "it was" if len(existing) == 1 else "they were"
        click.echo(f"nothing written; {named} left as {kept}", err=True)
        raise SystemExit(0)
    fail(f"{named} already {verb}; add --force to replace {them}, or choose another name")


def refuse_database(targets: Iterable[Path | None], *, database: Path | None) -> None:
    """Exit if an output is the database or one of its -wal/-shm files (or twice the same).

    With several flows, check the names given before each flow's name is made from
    them: `-o tour.sqlite3` would otherwise write tour-entreprise.sqlite3 beside the
    database, a mistake all the same.
    """
    from exports import OutputError, refuse_protected

    try:
        refuse_protected([target for target in targets if target is not None], database=database)
    except OutputError as error:
        fail(str(error))


def per_flow(path: Path | None, flow: Flow, several: bool) -> Path | None:
    """The file for `flow` when a command writes one per flow (`several`):
    `out.csv` -> `out-territoire.csv`; `path` itself for one flow."""
    if path is None or not several:
        return path
    tag = flow.audience.code if flow.audience is not None else flow.id
    return path.with_name(f"{path.stem}-{tag}{path.suffix}")


@contextmanager
def interrupted_cleanly(what: str) -> Iterator[None]:
    """Turn a SIGTERM or SIGINT during a write into a short message and exit 128 + signal."""
    from exports import Interrupted

    try:
        yield
    except Interrupted as stop:
        click.echo(
            f"error: {what} was interrupted by {stop.name}: no half-written file was left behind",
            err=True,
        )
        raise SystemExit(128 + stop.signum) from None


class OutputGroup(click.Group):
    """Under the `surveybot` group: a write to standard output that fails is one line and exit 1.

    Files are written by `exports.files`, which names them in its errors; what
    reaches here unnamed, failing as only a write fails (a full disk, a file
    too large, a device error), was written to standard output by `click.echo`
    or the export. A closed pipe (`| head`) is click's own: a quiet exit 1. An
    argument or SURVEYBOT_ variable that is not UTF-8 text, refused where the
    database meets it, is named as a usage error (exit 2).
    """

    def invoke(self, ctx: click.Context) -> Any:
        from exports import write_failure

        try:
            return super().invoke(ctx)
        except UnicodeEncodeError as error:
            # Bytes that are not UTF-8 (a Latin-1 terminal) in a value the database keeps
            # or looks up: paths with such bytes work, so they are refused only here.
            culprit = _not_utf8()
            if error.reason != "surrogates not allowed" or culprit is None:
                raise
            message = f"{culprit} is not UTF-8 text; set the terminal to UTF-8"
            raise click.UsageError(message) from None
        except OSError as error:
            reason = write_failure(error)
            if reason is None or error.filename is not None:
                raise
            named = _standard_output_name()
            _drop_standard_output()
            fail(f"cannot write standard output{named}: {reason}")


def _not_utf8() -> str | None:
    """The first argument or SURVEYBOT_ variable holding bytes that are not UTF-8, named;
    not a file's name (such names are fine, the file opened)."""
    values = [("the argument", arg) for arg in sys.argv[1:]]
    values += [(name, value) for name, value in os.environ.items() if name.startswith("SURVEYBOT_")]
    for name, value in values:
        if os.path.lexists(value):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return f"{name} {shown!r}"
    return None


def _standard_output_name() -> str:
    """ " (/dev/full)": where standard output goes, where the system tells (Linux); else ""."""
    try:
        target = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):
        return ""
    return f" ({target})" if target.startswith("/") else ""  # not "pipe:[1234]"


def _drop_standard_output() -> None:
    """Point standard output at the null device: what it still holds cannot be written, and
    Python, flushing it at exit, would print the same error again as "Exception ignored"."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (click's test runner): nothing will be flushed there at exit
