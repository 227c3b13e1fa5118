"""What every command says of a PostgreSQL login the server refuses, or a URL cut short.

`export` and `migrate-db --to` told an operator whose password was in the URL that
"no password was given", sending them to look for a missing password instead of a
wrong one; `stats` and `chat` said it right. A password with an unencoded '#' or '@'
made the error name the end of the password as the server, and say "check that it is
running".
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from storage import open_store


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    """A surveybot SQLite file, for `migrate-db` to copy from."""

    async def make() -> None:
        store = await open_store(tmp_path / "tour.sqlite3")
        await store.close()

    asyncio.run(make())
    return tmp_path / "tour.sqlite3"


@pytest.mark.parametrize("command", ["stats", "export", "migrate-db"])
def test_a_refused_login_with_a_password_is_never_said_to_lack_one(
    command: str,
    postgres_url: str,
    sqlite_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No password anywhere but the URL: as an operator with it in SURVEYBOT_DB.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    refused = postgres_url.replace("surveybot@", "nobody_here:pw123@")
    args = {
        "stats": ["stats", "--db", refused],
        "export": ["export", "--db", refused, "--out", str(tmp_path / "out.csv")],
        "migrate-db": ["migrate-db", "--from", str(sqlite_file), "--to", refused],
    }[command]

    code, output = run_cli(*args)

    assert code == 1
    assert "the server refused the user or password; check the connection string" in output
    assert "no password was given" not in output
    assert "pw123" not in output and "Traceback" not in output


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://tour:s3cr@tail#9@127.0.0.1:5432/tour",  # '#': the rest is a fragment
        "postgresql://tour:s3cr@tail@127.0.0.1:5432/tour",  # the driver ends at the first '@'
        "postgresql://tour:s3cr/tail@127.0.0.1:5432/tour",  # '/': the rest reads as the path
        "postgresql://tour:s3cr?tail@127.0.0.1:5432/tour",  # '?': the rest reads as the query
    ],
)
@pytest.mark.parametrize("flag", ["--db", "--to"])
def test_a_password_that_ends_the_url_early_is_said_so_and_never_shown(
    url: str, flag: str, sqlite_file: Path
) -> None:
    args = ["stats", "--db", url] if flag == "--db" else ["migrate-db", "--from", str(sqlite_file)]
    code, output = run_cli(*args, *(["--to", url] if flag == "--to" else []))
    assert code == 2
    assert "the user or password holds a character that ends it" in output
    assert "percent-encoded (p@ss#1 as p%40ss%231)" in output
    assert "s3cr" not in output and "tail" not in output, output
    assert "check that it is running" not in output


def test_a_url_cut_short_is_not_named_by_the_password_s_end() -> None:
    """Opened from Python (the pandas API), past the command's own check."""
    from storage import describe_target

    assert describe_target("postgresql://tour:s3cr@tail#9@db.example.org/tour") == (
        "postgresql://…"
    )
    assert describe_target("postgresql://tour:s3cr%40tail@db.example.org/tour") == (
        "postgresql://tour@db.example.org/tour"
    )
    # An '@' in a query's value is no password's: `?user=` as some hosted servers name users.
    assert describe_target("postgresql://db.example.org/tour?user=tour@server") == (
        "postgresql://db.example.org/tour"
    )
