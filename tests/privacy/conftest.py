"""Fixtures for the privacy tests: respondents with answers, made as the bot would.

`clock` and `db_path` (and the `Clock` and `Peek` classes) come from
tests/conftest.py. `store` and `peek` are on either backend: every test that
uses the store runs on SQLite and on PostgreSQL, unless it is marked
`sqlite_only` or asks for `db_path` (see tests/support/postgres.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from storage import AnswerInput, Response, ResponseStatus, Store, open_store
from tests.conftest import Clock
from tests.support.postgres import both_backends, peek_for


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_backends(metafunc)


@pytest.fixture
async def store(store_target: Path | str) -> AsyncIterator[Any]:
    """A store opened (created and migrated) on this test's backend, closed after the test."""
    store = await open_store(store_target)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def peek(backend: str, request: pytest.FixtureRequest) -> Any:
    return peek_for(backend, request)


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
def people(store: Store, clock: Clock) -> People:
    return People(store, clock)
