"""The commands on PostgreSQL: SURVEYBOT_DB as a URL, a server that is down, one poller only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from storage import open_store
from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import PgPeek, free_port


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["chat"],
        ["erase", "--telegram-id", "5", "--yes"],
        ["purge", "--older-than", "30"],
        ["stats"],
    ],
    ids=["chat", "erase", "purge", "stats"],
)
def test_a_server_that_is_down_is_one_line_without_the_password(command: list[str]) -> None:
    url = f"postgresql://tour:s3cr3t-pw@127.0.0.1:{free_port()}/tour"
    code, output = run_cli(*command, "--db", url)
    assert code == 1
    # The password on the command line is warned of first (it shows in `ps`), not repeated.
    warning, error = output.strip().splitlines()
    assert warning.startswith("warning: the password in --db shows to anyone")
    assert error.startswith("error: cannot open database postgresql://tour@127.0.0.1:")
    assert "check that it is running" in error
    assert "s3cr3t-pw" not in output and "Traceback" not in output


def test_a_login_the_server_refuses_is_said_so(postgres_url: str) -> None:
    refused = postgres_url.replace("surveybot@", "nobody_here:pw123@")
    code, output = run_cli("purge", "--older-than", "30", "--db", refused)
    assert code == 1
    assert "refused the user or password" in output
    assert "pw123" not in output and "Traceback" not in output


def test_a_login_refused_with_no_password_given_says_where_one_goes(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PGPASSWORD written in .env (which holds only SURVEYBOT_ settings) was read as none.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    code, output = run_cli(
        "purge", "--older-than", "30", "--db", postgres_url.replace("surveybot@", "nobody_here@")
    )
    assert code == 1
    assert "no password was given: put it in the URL, in ~/.pgpass, or in PGPASSWORD" in output


def test_an_sslmode_the_server_does_not_offer_is_not_said_to_be_a_server_down(
    postgres_url: str,
) -> None:
    code, output = run_cli("stats", "--db", postgres_url + "?sslmode=require")
    assert code == 1
    assert "check sslmode= in it" in output and "check that it is running" not in output


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("mysql://tour@host/db", "unknown database scheme 'mysql'"),
        ("postgresql://tour:pw9@host:port/db", "port must be a number"),
        # A password from `openssl rand -base64`, not percent-encoded: said how to write it.
        (
            "postgresql://tour:pw9/x+Y=@host:5432/db",
            "written percent-encoded (p@ss#1 as p%40ss%231)",
        ),
        ("", "is empty"),
    ],
)
def test_a_database_setting_that_cannot_work_is_refused_by_name(value: str, said: str) -> None:
    code, output = run_cli("purge", "--older-than", "30", env={"SURVEYBOT_DB": value})
    assert code == 2
    assert output.startswith("error: SURVEYBOT_DB:") and said in output
    assert "pw9" not in output


def test_chat_erase_and_purge_work_on_postgresql(postgres_url: str) -> None:
    # The terminal chat writes to PostgreSQL; erase finds the person there, no file involved.
    code, _ = run_cli("chat", "--db", postgres_url, "--respondent", "42", stdin="quitter\n")
    assert code == 0
    peek = PgPeek(postgres_url)
    assert peek.query("SELECT channel, external_id FROM respondents") == []  # not agreed yet
    code, output = run_cli("chat", "--db", postgres_url, stdin="oui\n1\nquitter\n")
    assert code == 0, output
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]

    code, output = run_cli("purge", "--older-than", "30", "--db", postgres_url)
    assert code == 0, output
    assert "responses: 0" in output and "-wal" not in output
    assert f"from {postgres_url}" in output


async def test_a_second_poller_on_the_same_database_refuses_to_start(
    postgres_url: str, tmp_path: Path
) -> None:
    holder = await open_store(postgres_url)
    assert await holder.take_lease("polling")  # as a running `surveybot run` does
    try:
        with BotAPIServer() as server:
            env = {
                **os.environ,
                "SURVEYBOT_TOKEN": "1234:poll",
                "SURVEYBOT_API_URL": server.url,
                "SURVEYBOT_DB": postgres_url,
            }
            done = subprocess.run(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
            )
            assert not server.state.fetches  # it never asked Telegram for updates
    finally:
        await holder.close()
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: another surveybot is already polling Telegram")
    assert "webhook" in last and "Traceback" not in done.stderr


async def test_the_polling_lease_is_free_again_when_its_holder_dies(postgres_url: str) -> None:
    first, second = await open_store(postgres_url), await open_store(postgres_url)
    try:
        assert await first.take_lease("polling")
        assert not await second.take_lease("polling")
        await first.close()  # a process that ends, or dies: the server drops its session
        assert await second.take_lease("polling")
    finally:
        await first.close()
        await second.close()
