"""A disk that fills up under the command line: one line naming the file, exit 1, nothing left.

/dev/full refuses every write with ENOSPC, as a full disk does: it stands for
one as an output file (`export -o`, `--codebook`, `--xlsx`, `stats --plot`,
`links --out` through a link in the folder) and as standard output (`>
/dev/full`, in a real process). A regular file refused half-way (a file-size
limit, EFBIG) shows that the temporary file is removed and an older file kept.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from storage import Store
from tests.conftest import MINI

FULL = Path("/dev/full")
DISK_FULL = "the disk holding it is full; free some space and retry"
pytestmark = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database in an empty folder (no .env), with no SURVEYBOT_* variable set."""
    for name in [name for name in os.environ if name.startswith("SURVEYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "surveybot.sqlite3"  # the default: the real processes find it

    async def create() -> None:
        await (await Store.open(path)).close()

    asyncio.run(create())
    return path


def invoke(*args: str | Path) -> Result:
    # A traceback would raise here: the test fails on it rather than reading it.
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["export", "-o", FULL], f"cannot write {FULL}"),
        (["export", "-o", "x.csv", "--codebook", FULL], f"cannot write {FULL}"),
        (["export", "-o", "x.csv", "--xlsx", FULL], f"cannot write {FULL}"),
        (["stats", "--plot", FULL], f"cannot write the chart to {FULL}"),
    ],
    ids=["export", "codebook", "xlsx", "plot"],
)
def test_a_full_device_as_the_output_file_is_one_line(
    db: Path, command: list[str | Path], said: str
) -> None:
    result = invoke(*command, "--db", db, "--flow", MINI, "--force")
    assert result.exit_code == 1
    assert result.stderr == f"error: {said}: {DISK_FULL}\n"
    assert sorted(path.name for path in db.parent.iterdir() if "survey" not in path.name) == []


def test_a_full_device_in_the_invitation_folder_is_one_line(db: Path) -> None:
    kit = db.parent / "kit"
    kit.mkdir()
    (kit / "links.csv").symlink_to(FULL)  # followed: the link's target is written
    result = invoke("links", "--bot-username", "tour_innovation_bot", "--out", kit, "--force")
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {kit / 'links.csv'}: {DISK_FULL}\n"
    # Written last, so that it names only a kit written whole: left as it was.
    assert (kit / "links.csv").readlink() == FULL


def test_a_workbook_left_unsaved_by_a_failure_says_nothing_more(db: Path) -> None:
    """The workbook is under way when the codebook fails: one line all the same, in a real
    process, where anything the garbage collector prints would show."""
    command = ["export", "--flow", MINI, "-o", "x.csv", "--xlsx", "x.xlsx", "--codebook", FULL]
    done = subprocess.run(
        [sys.executable, "-m", "bot", *map(str, command)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == f"error: cannot write {FULL}: {DISK_FULL}\n"
    assert sorted(path.name for path in db.parent.iterdir() if "survey" not in path.name) == []


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with its standard output on /dev/full."""
    with FULL.open("w") as full:
        return subprocess.run(
            [sys.executable, "-m", "bot", *(str(a) for a in args)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--flow", MINI],
        ["stats", "--flow", MINI],
        ["schema"],
        ["links", "--bot-username", "tour_innovation_bot"],
    ],
    ids=["export", "stats", "schema", "links"],
)
def test_standard_output_on_a_full_device_is_one_line(db: Path, command: list[str]) -> None:
    done = run(*command)
    assert done.returncode == 1
    # Where /proc tells (Linux), the message names the file standard output goes to.
    named = " (/dev/full)" if Path("/proc/self/fd").is_dir() else ""
    assert done.stderr == f"error: cannot write standard output{named}: {DISK_FULL}\n"


def test_a_file_refused_half_way_is_removed_and_the_older_kept(db: Path) -> None:
    out = db.parent / "responses.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    limit = 64  # bytes: a file may not grow past this (RLIMIT_FSIZE), the header is longer

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # Held open, as by the running bot, the database has its -shm file: the export, which
    # could not create one under the limit, only reads it.
    with closing(sqlite3.connect(db)) as bot:
        bot.execute("SELECT count(*) FROM responses").fetchone()
        done = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--flow", MINI, "-o", out, "--force"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            preexec_fn=limited,  # Python ignores SIGXFSZ: the write fails with EFBIG instead
        )
    assert done.returncode == 1
    assert done.stderr == f"error: cannot write {out}: File too large\n"
    assert sorted(path.name for path in db.parent.iterdir() if "survey" not in path.name) == [
        "responses.csv"
    ]
    assert out.read_text(encoding="utf-8") == "the previous export\n"
