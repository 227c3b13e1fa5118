"""`surveybot purge` deletes the web chat's refused typed answers a stopped `serve` left.

A refused answer typed on the web chat waits in `kept_texts`, with the person's
web id, for the page after the redirect (storage/kept_texts.py); a browser that
never follows the redirect leaves it there, and a `serve` stopped for good (the
end of the tour) never runs the upkeep that deletes it. The purge that then
removes the person's responses and respondent row left it behind, and with no
respondent left, `surveybot erase` could no longer reach it. Run through the
real command, in a process of its own, on a real SQLite file and a real
PostgreSQL database.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage import open_store
from tests.support.postgres import both_backends, peek_for

SECRET = "ZorglubIndustries SecretCo " * 10
TWO_YEARS = dt.timedelta(days=800)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_backends(metafunc)


@pytest.fixture
def peek(backend: str, request: pytest.FixtureRequest) -> Any:
    return peek_for(backend, request)


async def _left_behind(target: Path | str, now: dt.datetime) -> None:
    """A tour's end: a web respondent two years ago, their refused text never shown; and a
    text refused 30 seconds ago, its page maybe still on the way."""
    store = await open_store(target)
    try:
        then = now - TWO_YEARS
        who = await store.ensure_respondent("web", "web-id-of-zephyrine", now=then)
        await store.start_response(
            who.id,
            flow_id="tdf2019",
            flow_version=1,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="company_name",
            now=then,
        )
        # The fresh one first: keeping a text drops those expired at its time.
        await store.keep_text("web-id-of-someone-else", "fresh", now=now - dt.timedelta(seconds=30))
        await store.keep_text("web-id-of-zephyrine", SECRET, now=then)
    finally:
        await store.close()


def _purge(target: Path | str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env["SURVEYBOT_DB"] = str(target)  # not --db: a URL's password would be warned of
    return subprocess.run(
        [sys.executable, "-m", "bot", "purge", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "period", [["--older-than", "730"], ["--before", "2019-06-05"]], ids=["older-than", "before"]
)
async def test_purge_deletes_the_refused_texts_past_their_two_minutes(
    store_target: Path | str, backend: str, peek: Any, tmp_path: Path, period: list[str]
) -> None:
    now = dt.datetime.now(dt.UTC)
    await _left_behind(store_target, now)
    texts = "SELECT text FROM kept_texts ORDER BY text"

    dry = _purge(store_target, tmp_path, *period, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "also deleted" not in dry.stderr  # a dry run changes nothing, these included
    assert len(peek.query(texts)) == 2

    done = _purge(store_target, tmp_path, *period)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # Every text past its two minutes goes, whatever the period: none is shown any more.
    assert "also deleted 1 typed answer the web chat refused" in done.stderr
    # One a page of a running web chat may still be fetching stays: it goes in minutes.
    assert peek.query(texts) == [("fresh",)]
    if backend == "sqlite":
        # Freed pages zeroed and the -wal file emptied, as for the rows purged with it.
        assert b"Zorglub" not in Path(store_target).read_bytes()
        wal = Path(f"{store_target}-wal")
        assert not wal.exists() or b"Zorglub" not in wal.read_bytes()


async def test_after_the_purge_nothing_of_the_person_is_left_for_erase_to_miss(
    store_target: Path | str, peek: Any, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    await _left_behind(store_target, now)

    done = _purge(store_target, tmp_path, "--older-than", "730")

    assert done.returncode == 0, done.stderr
    assert "responses: 1" in done.stdout and "respondents: 1" in done.stdout
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    assert peek.query("SELECT person FROM kept_texts") == [("web-id-of-someone-else",)]
