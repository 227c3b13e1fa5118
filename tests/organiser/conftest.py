"""Fixtures for the organiser tools: a small flow, its stages, and a database of known content."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import Flow, StageDef, load_flow, load_stages
from tests.organiser.survey import FLOW, STAGES, fill


@pytest.fixture(scope="session")
def tour_flow() -> Flow:
    return load_flow(FLOW)


@pytest.fixture(scope="session")
def tour_stages() -> list[StageDef]:
    return load_stages(STAGES)


@pytest.fixture
def survey_db(tmp_path: Path, tour_flow: Flow) -> Path:
    """A database holding RESPONDENTS and the other-flow response r8."""
    path = tmp_path / "survey.sqlite3"
    asyncio.run(fill(path, tour_flow))
    return path


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty folder (no .env) with no SURVEYBOT_* variable set."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work
