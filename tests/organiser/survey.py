"""A database of known content for the organiser tools, filled the way the bot fills it.

Each scripted respondent's actions go through the engine (`flows`), and every
state is committed with `conversation.save_state`, on a real SQLite file
through `Store`. What it holds is spelled out in `RESPONDENTS`; the tests
count from it by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conversation import save_state
from flows import (
    Flow,
    ResponseState,
    StageDef,
    acknowledge,
    answer,
    back,
    effective_answers,
    revise,
    skip,
    start,
)
from organiser import Stats, read_stats
from storage import AnswerInput, Channel, Response, ResponseStatus, Store

HERE = Path(__file__).parent
FLOW = HERE / "fixtures" / "tour.yaml"
STAGES = HERE / "fixtures" / "stages.yaml"
UTC = dt.UTC
JULY_4 = dt.date(2019, 7, 4)
"""The "today" of most statistics tests."""


def at(text: str) -> dt.datetime:
    """A UTC time from "2019-06-05 08:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Script:
    """One respondent: where they came from, when they started, what they did, how long each took."""

    who: str
    stage: str | None
    started: dt.datetime
    actions: tuple[tuple[str, object], ...]
    every: dt.timedelta = dt.timedelta(minutes=1)
    abandoned: bool = False
    channel: Channel = Channel.TELEGRAM


ACK: tuple[str, object] = ("ack", None)
SKIP: tuple[str, object] = ("skip", None)
BACK: tuple[str, object] = ("back", None)


def says(value: object) -> tuple[str, object]:
    return ("answer", value)


def revises(question_id: str) -> tuple[str, object]:
    """Reopen one question from the summary of a finished response, as its "change" button."""
    return ("revise", question_id)


# Durations of the completed ones: 10, 20 (pithiviers), 30 (evreux), 40 (old-stage) minutes.
RESPONDENTS = (
    # Pithiviers, 5 June: two complete, one stops at `markets`.
    Script(
        "r1",
        "pithiviers",
        at("2019-06-05 08:00"),
        (ACK, says("small"), says("yes"), says(["eu"]), says("Très bien")),
        dt.timedelta(minutes=2),
    ),
    Script(
        "r2",
        "pithiviers",
        at("2019-06-05 09:00"),
        (ACK, says("large"), says("no"), SKIP),
        dt.timedelta(minutes=5),
    ),
    # In the web chat.
    Script(
        "r3",
        "pithiviers",
        at("2019-06-05 10:00"),
        (ACK, says("small"), says("yes")),
        channel=Channel.WEB,
    ),
    # Évreux, typed in capitals: starts before midnight UTC on 3 July, completes on the 4th.
    Script(
        "r4",
        "EVREUX",
        at("2019-07-03 23:50"),
        (ACK, says("small"), says("no"), says("Rien à signaler")),
        dt.timedelta(seconds=450),
    ),
    # Évreux, 4 July, in the web chat: answers `size`, goes back to it from `exports`, gives up.
    Script(
        "r5",
        "evreux",
        at("2019-07-04 09:00"),
        (ACK, says("large"), BACK),
        abandoned=True,
        channel=Channel.WEB,
    ),
    # No stage, a rehearsal in the terminal chat: read the welcome, nothing more.
    Script("r6", None, at("2019-07-04 10:00"), (), channel=Channel.TERMINAL),
    # A code no longer in the stages file.
    Script(
        "r7",
        "old-stage",
        at("2019-07-04 11:00"),
        (ACK, says("small"), says("yes"), says(["asia"]), SKIP),
        dt.timedelta(minutes=8),
    ),
)
OTHER_FLOW_START = at("2019-06-05 11:00")
"""r8: a response to another flow, at Pithiviers: counted per stage, not in the drop-off."""


def _act(flow: Flow, state: ResponseState, action: tuple[str, object]) -> ResponseState:
    kind, value = action
    if kind == "back":
        return back(flow, state)
    if kind == "revise":
        return revise(flow, state, str(value))
    if kind == "ack":
        outcome = acknowledge(flow, state, "fr")
    elif kind == "skip":
        outcome = skip(flow, state, "fr")
    else:
        outcome = answer(flow, state, value, "fr")
    assert outcome.accepted, f"{action}: {outcome.error}"
    return outcome.state


async def play(store: Store, flow: Flow, script: Script) -> Response:
    """One respondent's script, each state committed as the bot commits it."""
    person = await store.ensure_respondent(script.channel, script.who, now=script.started)
    state = start(flow)
    response = await store.start_response(
        person.id,
        flow_id=flow.id,
        flow_version=flow.version,
        stage_code=script.stage,
        language="fr",
        state_json=state.model_dump_json(),
        current_step=state.current,
        now=script.started,
    )
    now = script.started
    for action in script.actions:
        state = _act(flow, state, action)
        now += script.every
        response = await save_state(store, flow, response, state, now)
    if script.abandoned:
        answers = {q: AnswerInput(v) for q, v in effective_answers(flow, state).items()}
        response = await store.save_progress(
            response.id,
            state_json=state.model_dump_json(),
            current_step=state.current,
            answers=answers,
            status=ResponseStatus.ABANDONED,
            now=now + dt.timedelta(days=1),
        )
    return response


async def fill(path: Path, flow: Flow, scripts: Sequence[Script] = RESPONDENTS) -> None:
    """Play `scripts` into the database at `path`; with RESPONDENTS, add r8 too."""
    store = await Store.open(path)
    try:
        for script in scripts:
            await play(store, flow, script)
        if scripts is not RESPONDENTS:
            return
        other = await store.ensure_respondent("telegram", "r8", now=OTHER_FLOW_START)
        await store.start_response(
            other.id,
            flow_id="other_flow",
            flow_version=1,
            stage_code="pithiviers",
            language="fr",
            state_json="{}",
            current_step="q1",
            now=OTHER_FLOW_START,
        )
    finally:
        await store.close()


async def stats_of(
    path: Path,
    flow: Flow,
    stages: list[StageDef],
    *,
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    stage_code: str | None = None,
    lang: str | None = None,
) -> Stats:
    """The statistics read the way the CLI reads them: through a read-only store."""
    store = await Store.open(path, readonly=True)
    try:
        return await read_stats(
            store, flow=flow, stages=stages, today=today, tz=tz, stage_code=stage_code, lang=lang
        )
    finally:
        await store.close()
