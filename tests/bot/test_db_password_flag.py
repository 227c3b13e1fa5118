"""A password in `--db postgresql://user:password@host/db`, warned of by every command.

Only `migrate-db` said so, of --from and --to; `stats`, `export`, `chat`, `serve`,
`run`, `erase` and `purge` said nothing, and for `serve` and `run` the password
sat in the list of processes for as long as they ran. Each says it now, once, in
migrate-db's words, and never shows the password.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main

SECRET = "s3cr3t-Pa55"
WARNING = (
    "warning: the password in --db shows to anyone who lists the processes; "
    "put it in PGPASSWORD or ~/.pgpass instead"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: the database is never reached, the command stops there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port this test listens on: `serve` and `run` stop at it rather than serving."""
    with socket.create_server(("127.0.0.1", 0)) as held:
        yield held.getsockname()[1]


COMMANDS = {
    "stats": ("stats",),
    "export": ("export", "-o", "out.csv"),
    "chat": ("chat",),
    "erase": ("erase", "--telegram-id", "123456789", "--yes"),
    "purge": ("purge", "--older-than", "730"),
    "serve": ("serve",),
    "run": ("run", "--webhook-url", "https://enquete.example.org/telegram"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_password_in_db_is_warned_of_once_and_never_shown(
    work: Path, closed_port: int, held_port: int, command: str
) -> None:
    url = f"postgresql://surveybot:{SECRET}@127.0.0.1:{closed_port}/tour"
    args = [*COMMANDS[command], "--db", url]
    if command in ("serve", "run"):
        args += ["--port", str(held_port)]
    env = {"SURVEYBOT_TOKEN": "1234:password-test", "SURVEYBOT_RETENTION_DAYS": "keep"}

    result = invoke(*args, env=env)

    assert result.exit_code != 0  # the database cannot be reached, or the port taken
    assert result.stderr.splitlines().count(WARNING) == 1, result.stderr
    assert SECRET not in result.output


def test_a_password_in_the_query_is_one_too(work: Path, closed_port: int) -> None:
    url = f"postgresql://surveybot@127.0.0.1:{closed_port}/tour?password={SECRET}"
    result = invoke("stats", "--db", url)
    assert WARNING in result.stderr.splitlines()
    assert SECRET not in result.output


@pytest.mark.parametrize(
    "db", ["postgresql://surveybot@127.0.0.1:{port}/tour", "tour.sqlite3", "user:pw@tour.sqlite3"]
)
def test_a_database_without_a_password_on_the_command_line_is_not_warned_of(
    work: Path, closed_port: int, db: str
) -> None:
    result = invoke("stats", "--db", db.format(port=closed_port))
    assert "password" not in result.stderr


def test_a_password_in_the_setting_is_not_warned_of(work: Path, closed_port: int) -> None:
    # SURVEYBOT_DB, in the environment or .env, is not on the command line.
    url = f"postgresql://surveybot:{SECRET}@127.0.0.1:{closed_port}/tour"
    result = invoke("stats", env={"SURVEYBOT_DB": url})
    assert "password" not in result.stderr
