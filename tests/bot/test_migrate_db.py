"""`surveybot migrate-db`: a tour moved to PostgreSQL (and back) exports the same files.

The export benchmark's database (a small one) is copied through the real
command into the harness's PostgreSQL, then back into a new SQLite file; the
wide and long CSV and the codebook must come out byte for byte as before. A
target that holds data, or is the source, is refused and left as it was; a
copy that fails half-way leaves nothing behind. These tests skip, saying why,
where PostgreSQL cannot run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from benchmarks.bench_export import build_database, write_flow
from bot.cli import main
from conversation import canonical_content
from exports import ExportOptions, Layout, export_csv
from flows import load_flow
from storage import Channel, open_store
from tests.conftest import Peek
from tests.support.postgres import PgPeek

RESPONSES = 60
EXTRA = {"handled_updates": 3, "consent_refusals": 2, "flow_versions": 2}
"""Rows the benchmark's builder leaves out, added so that every table is copied."""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From an empty folder (no .env), with no SURVEYBOT_* variable: --from falls back on it."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def bench(tmp_path: Path) -> tuple[Path, Path]:
    """The benchmark's database with RESPONSES responses, and its flow file."""
    flow = tmp_path / "bench_flow.yaml"
    write_flow(flow)
    db = tmp_path / "bench.sqlite3"
    build_database(db, flow, RESPONSES)
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            [(n, f"2019-06-05T10:00:0{abs(n)}.123456+00:00") for n in (7, 8, -9)],
        )
        conn.executemany(
            "INSERT INTO consent_refusals (id, consent_version, stage_code, refused_at) "
            "VALUES (?, 'v1', ?, '2019-06-05T09:00:00+00:00')",
            [(4, "etape01"), (9, None)],
        )
        # The flow as the bot keeps it at start, and a version of another flow.
        kept = canonical_content(load_flow(flow))
        conn.executemany(
            "INSERT INTO flow_versions (flow_id, version, digest, content, first_used_at) "
            "VALUES (?, ?, ?, ?, '2019-06-05T08:00:00.000001+00:00')",
            [
                (load_flow(flow).id, load_flow(flow).version, "d" * 64, kept),
                ("acteurs", 3, "e" * 64, "{}"),
            ],
        )
    conn.close()
    return db, flow


def migrate(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["migrate-db", *(str(a) for a in args)])


def exports(db: Path | str, flow: Path) -> list[bytes]:
    """Wide CSV, long CSV and codebook of every response."""
    wide = export_csv(db, flow, ExportOptions(status="all"), codebook=True)
    long = export_csv(db, flow, ExportOptions(status="all", layout=Layout.LONG))
    assert wide.result.responses == RESPONSES
    return [wide.data, long.data, wide.codebook or b""]


def printed(result: Result) -> dict[str, int]:
    return {
        name: int(count)
        for name, count in (line.split(": ") for line in result.stdout.splitlines())
    }


def test_the_bench_database_moves_there_and_back_unchanged(
    bench: tuple[Path, Path], postgres_url: str, tmp_path: Path
) -> None:
    db, flow = bench
    before = exports(db, flow)

    there = migrate("--from", db, "--to", postgres_url)
    assert there.exit_code == 0, there.output
    counts = {"respondents": RESPONSES, "stages": 40, "responses": RESPONSES}
    assert printed(there) == counts | {"answers": RESPONSES * 40} | EXTRA
    assert "the counts match" in there.stderr
    assert exports(postgres_url, flow) == before

    back_file = tmp_path / "back.sqlite3"
    back = migrate("--from", postgres_url, "--to", back_file)
    assert back.exit_code == 0, back.output
    assert printed(back) == printed(there)
    assert exports(back_file, flow) == before
    # Keys, ids and times as they were, in every table.
    assert Peek(back_file).query("SELECT id, key FROM responses ORDER BY id") == Peek(db).query(
        "SELECT id, key FROM responses ORDER BY id"
    )
    assert Peek(back_file).query("SELECT * FROM handled_updates ORDER BY 1") == [
        (-9, "2019-06-05T10:00:09.123456+00:00"),
        (7, "2019-06-05T10:00:07.123456+00:00"),
        (8, "2019-06-05T10:00:08.123456+00:00"),
    ]


def test_the_bot_goes_on_after_the_copied_ids(bench: tuple[Path, Path], postgres_url: str) -> None:
    db, _ = bench
    assert migrate("--from", db, "--to", postgres_url).exit_code == 0

    async def newcomer() -> int:
        store = await open_store(postgres_url)
        try:
            now = dt.datetime(2019, 7, 1, tzinfo=dt.UTC)
            return (await store.ensure_respondent(Channel.WEB, "new", now=now)).id
        finally:
            await store.close()

    # The identity sequence was moved past the copied ids: no collision, no gap.
    assert asyncio.run(newcomer()) == RESPONSES + 1


def test_a_target_holding_data_is_refused_and_untouched(
    bench: tuple[Path, Path], postgres_url: str, tmp_path: Path
) -> None:
    db, _ = bench
    assert migrate("--from", db, "--to", postgres_url).exit_code == 0
    peek = PgPeek(postgres_url)
    dump = peek.dump()

    again = migrate("--from", db, "--to", postgres_url)
    assert again.exit_code == 1
    assert "already holds data (respondents: 60, stages: 40" in again.stderr
    assert "Traceback" not in again.output
    assert peek.dump() == dump

    # A SQLite file in use likewise.
    other = tmp_path / "other.sqlite3"
    build_database(other, bench[1], 2)
    files = Peek(other).dump()
    refused = migrate("--from", postgres_url, "--to", other)
    assert refused.exit_code == 1 and "already holds data" in refused.stderr
    assert Peek(other).dump() == files


def test_a_target_a_bot_was_started_on_takes_the_copy(
    bench: tuple[Path, Path], postgres_url: str, tmp_path: Path
) -> None:
    # "Running on PostgreSQL" before "Moving from SQLite": the services started on the new
    # database wrote its workshops and the flow's version, and the copy was refused, with
    # only dropdb and createdb as a way out. What a start writes is replaced by the source's.
    db, flow = bench
    for target in (postgres_url, tmp_path / "started.sqlite3"):
        chat = CliRunner().invoke(main, ["chat", "--db", str(target)], input="quitter\n")
        assert chat.exit_code == 0, chat.output
        there = migrate("--from", db, "--to", target)
        assert there.exit_code == 0, there.output
        assert printed(there)["stages"] == 40
        assert exports(target, flow) == exports(db, flow)


def test_a_target_that_is_the_source_is_refused(bench: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = bench
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db)
    files = Peek(db).dump()
    for target in (db, link):
        result = migrate("--from", db, "--to", target)
        assert result.exit_code == 1
        assert "onto itself" in result.stderr
    assert Peek(db).dump() == files
    url = "postgresql://someone@127.0.0.1:1/tour"
    same = migrate("--from", url, "--to", "postgresql://other@127.0.0.1:1/tour")
    assert same.exit_code == 1 and "onto itself" in same.stderr


def test_a_copy_that_fails_half_way_leaves_the_target_empty(
    bench: tuple[Path, Path], postgres_url: str
) -> None:
    db, _ = bench
    # PostgreSQL's text cannot hold NUL, SQLite's can: the last table copied fails.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE consent_refusals SET consent_version = ? WHERE id = 9", ("v\x001",))
    conn.close()
    result = migrate("--from", db, "--to", postgres_url)
    assert result.exit_code == 1
    assert result.stderr.count("error: cannot copy into the database") == 1
    assert "Traceback" not in result.output
    peek = PgPeek(postgres_url)
    assert peek.tables() and all(
        peek.query(f"SELECT COUNT(*) FROM {table}") == [(0,)] for table in peek.tables()
    )


def test_a_missing_source_is_named(tmp_path: Path, postgres_url: str) -> None:
    result = migrate("--from", tmp_path / "nope.sqlite3", "--to", postgres_url)
    assert result.exit_code == 1
    assert f"cannot read database {tmp_path / 'nope.sqlite3'}: no such file" in result.stderr


def test_a_source_that_is_not_a_database_is_said_to_be_so_as_export_says_it(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("meeting notes, not a database\n", encoding="utf-8")
    copied = migrate("--from", notes, "--to", tmp_path / "copy.sqlite3")
    exported = CliRunner().invoke(main, ["export", "--db", str(notes)])

    assert copied.exit_code == 1 and "Traceback" not in copied.output
    assert copied.stderr.splitlines()[-1] == (
        f"error: cannot read the database: {notes} is not a SQLite database; point surveybot "
        "at its own database file, or move this file out of the way (SQLite: file is not a "
        "database)"
    )
    assert f"{notes} is not a SQLite database" in exported.stderr
    assert not (tmp_path / "copy.sqlite3").exists()


def test_a_password_on_the_command_line_is_warned_about_and_never_shown(
    bench: tuple[Path, Path], postgres_url: str
) -> None:
    db, _ = bench
    secret = "s3cr3t-Pa55"
    with_password = postgres_url.replace("://surveybot@", f"://surveybot:{secret}@")
    result = migrate("--from", db, "--to", with_password)
    assert result.exit_code == 0, result.output  # the test server trusts every local user
    assert "PGPASSWORD" in result.stderr
    assert secret not in result.output


@pytest.mark.parametrize("flag", ["--from", "--to"])
def test_a_database_that_cannot_work_is_refused_by_its_flag(
    bench: tuple[Path, Path], flag: str
) -> None:
    db, _ = bench
    given = {"--from": str(db), "--to": "new.sqlite3", flag: "mysql://x@y/z"}
    result = migrate("--from", given["--from"], "--to", given["--to"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {flag}: unknown database scheme 'mysql': give a file path (SQLite) or a "
        "postgresql://user@host/db URL\n"
    )
    assert not Path("new.sqlite3").exists()


def test_a_folder_is_said_to_be_one_as_export_says_it(
    bench: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = bench
    folder = tmp_path / "v"
    folder.mkdir()
    into = migrate("--from", db, "--to", folder)
    assert into.exit_code == 1
    assert into.stderr.splitlines()[-1] == (
        f"error: cannot copy into {folder}: it is a directory; pass a file path such as "
        f"{folder / 'surveybot.sqlite3'}; check --to"
    )
    assert list(folder.iterdir()) == []
    out_of = migrate("--from", folder, "--to", "new.sqlite3")
    assert out_of.exit_code == 1
    assert out_of.stderr.splitlines()[-1] == (
        f"error: cannot read database {folder}: it is a directory; pass the database file; "
        "check --from"
    )
    assert not Path("new.sqlite3").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["stats"],
        ["erase", "--telegram-id", "5", "--yes"],
        ["purge", "--older-than", "30"],
    ],
)
def test_the_commands_reading_a_database_say_a_folder_is_one_too(
    tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    result = CliRunner().invoke(main, [*command, "--db", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot read database {folder}: it is a directory; pass the database file; "
        "check the path (SURVEYBOT_DB or --db)\n"
    )
