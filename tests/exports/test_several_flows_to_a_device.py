"""With two questionnaires, a device or a pipe given as output is refused before anything
is written, asking for one questionnaire with --flow.

Found by an analyst's walk through the exports, with `SURVEYBOT_FLOWS=bundled`:
`surveybot export -o /dev/null` made the regular files `/dev/null-entreprise` and
`/dev/null-territoire` (as root); `-o >(gzip > r.csv.gz)` said "cannot write
/dev/fd/63-entreprise: No such file or directory"; a named pipe `-o fifo` got nothing, and
`fifo-entreprise` and `fifo-territoire` appeared beside it. Each questionnaire's file is
named after the target, which beside a device or a pipe names no file anyone asked for.
And `--flow entreprise -o >(gzip > r.csv.gz)`, the way out, said "cannot write
/dev/fd/63: No such file or directory": that link resolves to no path ("pipe:[…]").
Through the real `surveybot` command on a SQLite file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from storage import Store
from tests.conftest import MINI
from tests.exports.conftest import Filled, read_csv

ADVICE = "pick one with --flow (--flow entreprise), one command each"


@pytest.fixture
def bundled(work: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as working directory, both bundled questionnaires, a database."""
    monkeypatch.setenv("SURVEYBOT_FLOWS", "bundled")
    monkeypatch.setenv("SURVEYBOT_DB", str(store.path))
    out = work / "out"
    out.mkdir()
    return out


def surveybot(*args: str | Path) -> Result:
    from bot.cli import main

    return CliRunner().invoke(main, ["export", *map(str, args)])


def refused(result: Result, said: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    assert result.stderr.startswith(f"error: {said} is a device or a pipe"), result.stderr
    assert "2 are configured (entreprise, territoire)" in result.stderr
    assert ADVICE in result.stderr


def test_a_named_pipe_is_refused_and_nothing_is_made_beside_it(bundled: Path) -> None:
    fifo = bundled / "fifo"
    os.mkfifo(fifo)

    refused(surveybot("-o", fifo), f"-o {fifo}")
    assert sorted(p.name for p in bundled.iterdir()) == ["fifo"]


def test_a_link_to_dev_null_is_refused(bundled: Path) -> None:
    """As `-o /dev/null` is (a link, so that the old behaviour makes nothing in /dev)."""
    null = bundled / "null"
    null.symlink_to(os.devnull)

    refused(surveybot("-o", null), f"-o {null}")
    assert sorted(p.name for p in bundled.iterdir()) == ["null"]


def test_a_process_substitution_is_refused(bundled: Path) -> None:
    """`-o >(gzip > r.csv.gz)` hands the command a /dev/fd/N path to a pipe."""
    read, write = os.pipe()
    try:
        refused(surveybot("-o", f"/dev/fd/{write}"), f"-o /dev/fd/{write}")
    finally:
        os.close(read)
        os.close(write)


def test_a_codebook_or_a_workbook_to_a_device_is_refused_before_the_csv(bundled: Path) -> None:
    null = bundled / "null"
    null.symlink_to(os.devnull)

    refused(surveybot("-o", bundled / "r.csv", "--codebook", null), f"--codebook {null}")
    refused(surveybot("--xlsx", null), f"--xlsx {null}")
    assert sorted(p.name for p in bundled.iterdir()) == ["null"]


def test_one_questionnaire_is_written_to_the_pipe(bundled: Path) -> None:
    """What the refusal advises works: --flow entreprise, through the pipe itself."""
    fifo = bundled / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()

    result = surveybot("--flow", "entreprise", "-o", fifo)
    reader.join(timeout=30)

    assert result.exit_code == 0, result.output
    assert received and received[0].startswith(b"response_key,stage_code,")
    assert sorted(p.name for p in bundled.iterdir()) == ["fifo"]


def test_files_are_still_made_one_per_questionnaire(bundled: Path) -> None:
    result = surveybot("-o", bundled / "r.csv", "--codebook", bundled / "book.csv")

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in bundled.iterdir()) == [
        "book-entreprise.csv",
        "book-territoire.csv",
        "r-entreprise.csv",
        "r-territoire.csv",
    ]


def test_a_process_substitution_gets_the_export(filled: Filled, work: Path) -> None:
    """As the shell runs `surveybot export -o >(gzip > r.csv.gz)`: the command gets the
    write end of a pipe as /dev/fd/N, and the reader sees the export, then its end."""
    read, write = os.pipe()
    command = [sys.executable, "-m", "bot", "export", "--db", str(filled.path)]
    command += ["--flow", str(MINI), "-o", f"/dev/fd/{write}"]
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen(command, cwd=root, pass_fds=(write,), stderr=subprocess.PIPE) as run:
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            received = pipe.read()
        _, said = run.communicate(timeout=60)
    assert run.returncode == 0, said.decode()
    assert len(read_csv(received)) == 3  # the completed responses of `filled`
    assert f"to /dev/fd/{write}" in said.decode()
    assert [p.name for p in work.iterdir() if not p.name.startswith(filled.path.name)] == []
