"""What the commands that write files share: --force, the checks before writing, SIGTERM.

`export`, `stats --plot` and `links --out` check their output paths before
doing any work: never the database or its files; an existing file is replaced
only with --force, or, at a terminal, once the user said yes. The writing
itself (beside and renamed, mode 600, devices and pipes written directly,
symbolic links followed) is `exports.files`'.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import click

from bot.cli.common import fail

FORCE_OPTION: Final = click.option(
    "--force",
    is_flag=True,
    help="Replace output files that exist without asking (for scripts).",
)
NAMED: Final = 3
"""How many existing files a refusal names; `links` can find dozens from an earlier run."""


def check_outputs(targets: Iterable[Path | None], *, database: Path | None, force: bool) -> None:
    """Exit with a clear message if an output is the database, or an existing file without
    --force (at a terminal, ask first)."""
    from exports import OutputError, existing_files, refuse_protected

    paths = [target for target in targets if target is not None]
    try:
        refuse_protected(paths, database=database)
    except OutputError as error:
        fail(str(error))
    existing = existing_files(paths)
    if not existing or force:
        return
    named = ", ".join(str(path) for path in existing[:NAMED])
    if len(existing) > NAMED:
        named += f" and {len(existing) - NAMED} more"
    verb, them = ("exists", "it") if len(existing) == 1 else ("exist", "them")
    if sys.stdin.isatty():
        if click.confirm(f"{named} already {verb}: replace {them}?", default=False, err=True):
            return
        fail(f"nothing written; {named} left as {them} {'was' if them == 'it' else 'were'}")
    fail(f"{named} already {verb}; add --force to replace {them}, or choose another name")


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
