"""Commands run as a user who may not use the database's folder or file: one line saying
what to do (run as the database's owner), never a traceback nor a Python parameter.

docs/operators.md's layout: the folder `750`, the files `600`, owned by the `surveybot` user; an
operator runs `surveybot stats` as themselves. The tests run as root, as CI does: each
command runs without root's right to ignore permissions (`setpriv` dropping
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), on files given to `nobody`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Store

NOW = dt.datetime(2019, 6, 5, 10, 0, tzinfo=dt.UTC)
NOBODY = 65534
DROP = "-dac_override,-dac_read_search"
SETPRIV = shutil.which("setpriv")


def _can_drop_permissions() -> bool:
    if SETPRIV is None or os.geteuid() != 0:
        return False
    done = subprocess.run(
        [SETPRIV, f"--bounding-set={DROP}", f"--inh-caps={DROP}", "true"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


pytestmark = pytest.mark.skipif(
    not _can_drop_permissions(),
    reason="needs root and setpriv (util-linux) able to drop CAP_DAC_OVERRIDE",
)


def owner() -> str:
    return pwd.getpwuid(NOBODY).pw_name


def surveybot(
    tmp_path: Path, *args: str, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`surveybot ARGS` in `tmp_path`, as root without the right to ignore permissions,
    with these SURVEYBOT_* `settings` in its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env["SURVEYBOT_RETENTION_DAYS"] = "keep"
    env.update(settings or {})
    drop = [str(SETPRIV), f"--bounding-set={DROP}", f"--inh-caps={DROP}"]
    return subprocess.run(
        [*drop, sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def make_database(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "surveybot.sqlite3"

    async def answer() -> None:
        store = await Store.open(path)
        await store.ensure_respondent("telegram", "1001", now=NOW)
        await store.close()

    asyncio.run(answer())
    return path


def give_to_nobody(folder: Path, folder_mode: int, file_mode: int) -> None:
    os.chown(folder, NOBODY, NOBODY)
    folder.chmod(folder_mode)
    for file in folder.iterdir():
        os.chown(file, NOBODY, NOBODY)
        file.chmod(file_mode)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


COMMANDS = {
    "stats": ["stats", "--db", "d/surveybot.sqlite3"],
    "export": ["export", "--db", "d/surveybot.sqlite3", "--out", "out.csv"],
    "validate": ["validate", "--db", "d/surveybot.sqlite3"],
    "serve": ["serve", "--db", "d/surveybot.sqlite3", "--port", "1"],
    "chat": ["chat", "--db", "d/surveybot.sqlite3"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_of_another_user_says_to_run_as_its_owner(tmp_path: Path, command: str) -> None:
    path = make_database(tmp_path / "d")
    give_to_nobody(path.parent, 0o750, 0o600)  # docs/operators.md's layout, as someone else
    line = one_error_line(surveybot(tmp_path, *COMMANDS[command]))
    assert "d/surveybot.sqlite3: permission denied" in line
    assert f"run the command as the user that owns the database ({owner()}: " in line
    assert f"`sudo -u {owner()} surveybot …`" in line


def test_validate_says_so_of_the_database_of_surveybot_db(tmp_path: Path) -> None:
    """Without --db, validate compares the flows with SURVEYBOT_DB's database if there is
    one: asking whether there is one raised PermissionError there, as a traceback."""
    path = make_database(tmp_path / "d")
    give_to_nobody(path.parent, 0o750, 0o600)
    done = surveybot(tmp_path, "validate", settings={"SURVEYBOT_DB": "d/surveybot.sqlite3"})
    assert "Traceback" not in done.stderr
    # The configured database is said in a note; the files are what validate checks.
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1, done.stderr
    assert "the flows were not compared with d/surveybot.sqlite3: " in notes[0]
    assert "cannot read database d/surveybot.sqlite3: permission denied" in notes[0]
    assert f"run the command as the user that owns the database ({owner()}: " in notes[0]


@pytest.mark.parametrize("command", ["stats", "export"])
def test_reading_needs_write_access_when_no_bot_holds_the_file(
    tmp_path: Path, command: str
) -> None:
    path = make_database(tmp_path / "d")
    give_to_nobody(path.parent, 0o755, 0o644)  # readable by all, writable by its owner only
    line = one_error_line(surveybot(tmp_path, *COMMANDS[command]))
    assert "readonly=False" not in line
    assert "this user cannot write d/surveybot.sqlite3 or its folder" in line
    assert "even for a command that only reads" in line
    assert "surveybot.sqlite3-shm" in line
    assert f"run the command as the user that owns the database ({owner()}: " in line


def test_a_file_its_owner_made_read_only_says_to_make_it_writable(tmp_path: Path) -> None:
    path = make_database(tmp_path / "d")
    path.chmod(0o444)  # root's own file, made read-only
    line = one_error_line(surveybot(tmp_path, *COMMANDS["chat"]))
    assert "readonly=False" not in line
    assert "give this user write access to the file and its folder" in line
