"""Fixtures for the privacy tests: a real SQLite file, a hand-driven clock, respondents with answers."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from storage import AnswerInput, Response, ResponseStatus, Store


class Clock:
    """Every call to `tick` moves time forward, so every write gets a distinct, known time."""

    def __init__(self) -> None:
        self.now = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)

    def tick(self, seconds: float = 1) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


class Peek:
    """Reads the file through its own plain sqlite3 connection: what another process sees."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def tables(self) -> list[str]:
        return [
            name
            for (name,) in self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]

    def dump(self) -> list[str]:
        conn = sqlite3.connect(self.path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()


class People:
    """Makes Telegram respondents with a response and answers, as the bot would."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def answering(
        self,
        telegram_id: int,
        answers: Mapping[str, AnswerInput] | None = None,
        *,
        status: ResponseStatus = ResponseStatus.IN_PROGRESS,
        stage_code: str | None = "pithiviers",
        language: str = "fr",
        channel: str = "telegram",
    ) -> Response:
        respondent = await self.store.ensure_respondent(
            channel, str(telegram_id), now=self.clock.tick(), language=language
        )
        response = await self.store.start_response(
            respondent.id,
            flow_id="tdf2019",
            flow_version=3,
            stage_code=stage_code,
            language=language,
            state_json="{}",
            current_step="q1",
            now=self.clock.tick(),
        )
        if answers:
            response = await self.answer(response, answers, status=status)
        elif status is not ResponseStatus.IN_PROGRESS:
            response = await self.answer(response, {}, status=status)
        return response

    async def answer(
        self,
        response: Response,
        answers: Mapping[str, AnswerInput],
        *,
        status: ResponseStatus = ResponseStatus.IN_PROGRESS,
    ) -> Response:
        # The engine keeps the answers in its state too: erasure must reach them there.
        state = {"answers": {q: [a.value, a.other_text] for q, a in answers.items()}}
        return await self.store.save_progress(
            response.id,
            state_json=json.dumps(state, ensure_ascii=False),
            current_step=f"q{len(answers) + 1}",
            answers=answers,
            status=status,
            now=self.clock.tick(),
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "survey.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(db_path)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def peek(db_path: Path) -> Peek:
    return Peek(db_path)


@pytest.fixture
def people(store: Store, clock: Clock) -> People:
    return People(store, clock)
