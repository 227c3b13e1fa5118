"""Fixtures for the Telegram tests: a fake Bot API, the real application on a real SQLite file.

`store` runs the application (handlers, update processor, error handler) for the
whole test; `person(...)` makes a respondent who talks to it through the update
queue. A test module can override `flow` or `stages` to run another flow.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import BotApplication, build_application, running
from flows import Flow, StageDef
from storage import Store
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates


@pytest.fixture
def flow(bundled_flow: Flow) -> Flow:
    return bundled_flow


@pytest.fixture
def stages(bundled_stages: list[StageDef]) -> list[StageDef]:
    return bundled_stages


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


AppFactory = Callable[[FakeBotAPI], BotApplication]


@pytest.fixture
def admins() -> frozenset[int]:
    """The organisers' user ids (`SURVEYBOT_ADMINS`); a test module of theirs overrides it."""
    return frozenset()


@pytest.fixture
def make_app(flow: Flow, stages: list[StageDef], admins: frozenset[int]) -> AppFactory:
    """`make_app(api)`: a new application (as in a new process) talking to `api`."""

    def make(api: FakeBotAPI) -> BotApplication:
        return build_application(
            token=TOKEN, flow=flow, stages=stages, request=api, rate_limit=False, admins=admins
        )

    return make


@pytest.fixture
def app(api: FakeBotAPI, make_app: AppFactory) -> BotApplication:
    return make_app(api)


@pytest.fixture
async def store(app: BotApplication, db_path: Path) -> AsyncIterator[Store]:
    """The application, started on `db_path`; stopped (and the store closed) after the test."""
    async with running(app, db_path) as opened:
        yield opened


@pytest.fixture
def updates(app: BotApplication, api: FakeBotAPI, store: Store) -> Updates:
    return Updates(app, api)


PersonFactory = Callable[..., Person]


@pytest.fixture
def person(updates: Updates) -> PersonFactory:
    """`person()` is a new French-speaking respondent; `person(language_code="en")` too."""
    ids = itertools.count(501)

    def make(
        user_id: int | None = None, *, first_name: str = "Ana", language_code: str | None = "fr"
    ) -> Person:
        return Person(
            updates, user_id or next(ids), first_name=first_name, language_code=language_code
        )

    return make


Stored = dict[str, tuple[Any, str | None, str | None]]


@pytest.fixture
def answers_of(db_path: Path, store: Store) -> Callable[[int], Stored]:
    """`answers_of(user_id)`: question -> (value, other text, stage) of their latest response.

    Read from the file by a second, read-only connection, as an analyst would.
    """

    def read(user_id: int) -> Stored:
        with contextlib.closing(_read_only(db_path)) as conn:
            rows = conn.execute(
                "SELECT a.question_id, a.value_json, a.other_text, a.stage_code FROM answers a "
                "JOIN responses r ON r.id = a.response_id "
                "JOIN respondents p ON p.id = r.respondent_id "
                "WHERE p.channel = 'telegram' AND p.external_id = ? AND r.id = "
                "(SELECT MAX(id) FROM responses WHERE respondent_id = p.id)",
                (str(user_id),),
            ).fetchall()
        return {q: (json.loads(v), other, stage) for q, v, other, stage in rows}

    return read


@pytest.fixture
def responses_of(db_path: Path, store: Store) -> Callable[[int], list[sqlite3.Row]]:
    """`responses_of(user_id)`: the rows of their responses, oldest first."""

    def read(user_id: int) -> list[sqlite3.Row]:
        with contextlib.closing(_read_only(db_path)) as conn:
            return conn.execute(
                "SELECT r.* FROM responses r JOIN respondents p ON p.id = r.respondent_id "
                "WHERE p.channel = 'telegram' AND p.external_id = ? ORDER BY r.id",
                (str(user_id),),
            ).fetchall()

    return read


@pytest.fixture
def query(db_path: Path, store: Store) -> Callable[..., list[sqlite3.Row]]:
    """`query(sql, *params)`: rows read from the database file, read-only."""

    def read(sql: str, *params: object) -> list[sqlite3.Row]:
        with contextlib.closing(_read_only(db_path)) as conn:
            return conn.execute(sql, params).fetchall()

    return read


def _read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn
