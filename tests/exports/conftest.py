"""Fixtures for the export tests: real SQLite files filled through the engine and the Store.

`survey.respond(flow, {...})` plays one respondent: it walks the flow with the
engine, answering from the mapping (SKIP skips, Other(...) picks "other" and
types its text), saving after every step as the bot does, and stops (leaving
the response in progress) at the first question the mapping does not answer.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from conversation import save_state
from flows import (
    Flow,
    Kind,
    acknowledge,
    answer,
    answer_text,
    load_flow,
    prompt,
    skip,
    start,
)
from storage import Channel, Response, Stage, Store, SurveyStore
from tests.conftest import Clock

MINI_V2 = Path(__file__).parent / "fixtures" / "mini_v2.yaml"
STAGES = (
    Stage(code="pithiviers", city="Pithiviers"),
    Stage(code="le-creusot", city="Le Creusot"),
    Stage(code="aubenas", city="Aubenas"),
)


class Skip:
    """Skip this (optional) question."""

    def __repr__(self) -> str:
        return "SKIP"


SKIP = Skip()


@dataclass(frozen=True)
class Other:
    """Pick a value that includes "other", then type its text."""

    value: str | list[str]
    text: str


class Survey:
    """Respondents answering flows, through the engine, into one database."""

    def __init__(self, store: SurveyStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._people = itertools.count(1001)

    async def respond(
        self,
        flow: Flow,
        answers: Mapping[str, object],
        *,
        stage: str | None = "pithiviers",
        lang: str = "fr",
        step_seconds: float = 1,
        channel: Channel = Channel.TELEGRAM,
    ) -> Response:
        store, clock = self.store, self.clock
        person = await store.ensure_respondent(channel, str(next(self._people)), now=clock.tick())
        state = start(flow)
        response = await store.start_response(
            person.id,
            flow_id=flow.id,
            flow_version=flow.version,
            stage_code=stage,
            language=lang,
            state_json=state.model_dump_json(),
            current_step=state.current,
            now=clock.tick(),
        )
        script = dict(answers)
        while (shown := prompt(flow, state, lang)) is not None:
            if shown.kind == Kind.INFO:
                outcome = acknowledge(flow, state, lang)
            elif shown.step_id not in script:
                break
            else:
                given = script.pop(shown.step_id)
                if isinstance(given, Skip):
                    outcome = skip(flow, state, lang)
                elif isinstance(given, Other):
                    outcome = answer(flow, state, given.value, lang)
                    assert outcome.accepted and outcome.state.awaiting_other, outcome
                    outcome = answer_text(flow, outcome.state, given.text, lang)
                else:
                    outcome = answer(flow, state, given, lang)
            assert outcome.accepted, (shown.step_id, outcome.error)
            state = outcome.state
            response = await save_state(store, flow, response, state, clock.tick(step_seconds))
        assert not script, f"not asked: {sorted(script)}"
        return response


@pytest.fixture(scope="session")
def mini(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture(scope="session")
def mini_v2() -> Flow:
    return load_flow(MINI_V2)


@pytest.fixture
async def store(store: Store) -> Store:
    """The shared store (tests/conftest.py), with the test stages."""
    await store.sync_stages(STAGES)
    return store


@pytest.fixture
def survey(store: Store, clock: Clock) -> Survey:
    return Survey(store, clock)


STAGES_FILE = Path(__file__).parent / "fixtures" / "stages.yaml"
HYPERLINK = '=HYPERLINK("http://x.example","clic")'


@dataclass(frozen=True)
class Filled:
    """The responses of `filled`, by name."""

    path: Path
    acme: Response
    """Telegram, fr, pithiviers, completed: every question shown, "other" texts, a formula-like
    idea."""
    minus: Response
    """Web, en, le-creusot, completed: does not export (markets and share not shown), idea
    skipped."""
    partial: Response
    """Terminal (a rehearsal), fr, no stage, in progress: only the company name."""
    asia: Response
    """Telegram, fr, aubenas, completed: share skipped, e-mail not shown, a two-line idea."""


@pytest.fixture
async def filled(survey: Survey, mini: Flow, db_path: Path) -> Filled:
    return Filled(db_path, *await fill(survey, mini))


async def fill(survey: Survey, mini: Flow) -> tuple[Response, Response, Response, Response]:
    """The responses of `filled` (acme, minus, partial, asia), into the survey's store."""
    acme = await survey.respond(
        mini,
        {
            "company": "Acme é à ç",
            "staff": 42,
            "sector": Other("other", "Chimie fine"),
            "exports": "yes",
            "markets": Other(["eu", "other"], "Afrique du Nord"),
            "share": 12.5,
            "importance": 5,
            "obstacles": ["time", "cost"],
            "ideas": HYPERLINK,
            "email": "a@b.fr",
        },
    )
    minus = await survey.respond(
        mini,
        {
            "company": "-2",
            "staff": 3,
            "sector": "industry",
            "exports": "no",
            "importance": "dont_know",
            "obstacles": ["skills", "cost"],
            "ideas": SKIP,
        },
        stage="le-creusot",
        lang="en",
        channel=Channel.WEB,
    )
    partial = await survey.respond(
        mini, {"company": "Partial"}, stage=None, channel=Channel.TERMINAL
    )
    asia = await survey.respond(
        mini,
        {
            "company": "Asia Co",
            "staff": 250,
            "sector": "services",
            "exports": "yes",
            "markets": ["asia", "americas"],
            "share": SKIP,
            "importance": 3,
            "obstacles": ["cost", "skills"],
            "ideas": "Première ligne\nseconde ligne",
        },
        stage="aubenas",
        step_seconds=60,
    )
    return acme, minus, partial, asia


def iso(moment: dt.datetime | None) -> str:
    """A time as the export writes it."""
    return "" if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_csv(data: bytes, **options: object) -> pd.DataFrame:
    """A CSV export read back as text, exactly: empty cells are "", nothing is inferred."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, **options)  # type: ignore[call-overload]
    return frame


def by_key(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Rows of a wide export by response key."""
    return {row["response_key"]: row for row in frame.to_dict("records")}


def invoke(*args: str | Path) -> Result:
    """`surveybot export ARGS` through click's runner, with the test stages file."""
    from bot.cli.export import export

    return CliRunner().invoke(
        export, ["--stages", str(STAGES_FILE), *(str(a) for a in args)], catch_exceptions=False
    )


def bench_database(factory: pytest.TempPathFactory, responses: int) -> tuple[Path, Path]:
    """A database of `responses` × 40 questions, the export benchmark's, and its flow."""
    from benchmarks.bench_export import build_database, write_flow

    folder = factory.mktemp("big")
    flow, db = folder / "flow.yaml", folder / "big.sqlite3"
    write_flow(flow)
    build_database(db, flow, responses)
    return db, flow
