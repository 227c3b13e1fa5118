"""Respondents, responses, answers and stages: what goes in comes back out."""

import asyncio
import datetime as dt
import io
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import (
    AnswerInput,
    AnswerValue,
    ResponseFilter,
    ResponseStatus,
    Stage,
    StorageError,
    Store,
    open_store,
)
from tests.support.postgres import PgPeek, where

# Respondents


async def test_ensure_respondent_gets_or_creates(store: Store, clock, peek) -> None:
    first = await store.ensure_respondent("telegram", "123456789", now=clock.tick(), language="en")
    again = await store.ensure_respondent("telegram", "123456789", now=clock.tick(), language="fr")
    other_channel = await store.ensure_respondent("terminal", "123456789", now=clock.tick())

    assert again == first
    assert first.channel == "telegram"
    assert first.external_id == "123456789"
    assert first.language == "en"
    assert first.created_at == dt.datetime(2019, 6, 3, 9, 0, 1, tzinfo=dt.UTC)
    assert first.blocked_at is None
    assert other_channel.id != first.id
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(2,)]


async def test_set_language_of_a_respondent(store: Store, clock) -> None:
    ana = await store.ensure_respondent("terminal", "ana", now=clock.tick())
    assert ana.language is None

    await store.set_language(ana.id, "en", now=clock.tick())

    again = await store.ensure_respondent("terminal", "ana", now=clock.tick())
    assert again.language == "en"


async def test_set_language_of_unknown_respondent_is_an_error(store: Store, clock, peek) -> None:
    before = peek.dump()
    with pytest.raises(StorageError, match="no such respondent") as info:
        await store.set_language(404, "en", now=clock.tick())
    assert where(store) in str(info.value)
    assert peek.dump() == before


# Responses


async def test_start_response(store: Store, clock) -> None:
    ana = await store.ensure_respondent("telegram", "987654321", now=clock.tick())
    started = clock.tick()
    response = await store.start_response(
        ana.id,
        flow_id="tdf2019",
        flow_version=3,
        stage_code="pithiviers",
        language="fr",
        state_json='{"step": "q1"}',
        current_step="q1",
        now=started,
    )

    assert response.respondent_id == ana.id
    assert (response.flow_id, response.flow_version) == ("tdf2019", 3)
    assert (response.stage_code, response.language) == ("pithiviers", "fr")
    assert response.status is ResponseStatus.IN_PROGRESS
    assert response.state_json == '{"step": "q1"}'
    assert response.current_step == "q1"
    assert response.started_at == response.updated_at == started
    assert response.completed_at is None
    # The key goes into exports: random, not derived from the Telegram id.
    assert re.fullmatch(r"[0-9a-f]{16}", response.key)
    assert "987654321" not in response.key
    assert await store.get_response(response.id) == response
    assert await store.get_response_by_key(response.key) == response


async def test_response_keys_are_distinct(new_response) -> None:
    keys = {(await new_response("7")).key for _ in range(20)}
    assert len(keys) == 20


async def test_a_key_never_reads_as_a_number(new_response, monkeypatch) -> None:
    """pandas (as R and spreadsheets) reads an all-digit key, or digits around one "e", as a
    number, so the key would no longer join its response: such a draw is drawn again."""
    number_like = ["0123456789012345", "307516e246498312"]
    read = pd.read_csv(io.StringIO("\n".join(["response_key", *number_like])))["response_key"]
    assert list(read) == [123456789012345, float("inf")]  # what the analyst would get
    draws = iter([*number_like, "3075a6e246498312"])
    monkeypatch.setattr(secrets, "token_hex", lambda nbytes=None: next(draws))
    assert (await new_response("7")).key == "3075a6e246498312"


async def test_unknown_response_is_none(store: Store) -> None:
    assert await store.get_response(404) is None
    assert await store.get_response_by_key("0123456789abcdef") is None


async def test_start_response_for_unknown_respondent_is_an_error(store: Store, clock, peek) -> None:
    with pytest.raises(StorageError, match="no respondent 404"):
        await store.start_response(
            404,
            flow_id="tdf2019",
            flow_version=1,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step=None,
            now=clock.tick(),
        )
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_latest_response_is_the_most_recent(store: Store, new_response) -> None:
    first = await new_response("1", flow_id="tdf2019")
    second = await new_response("1", flow_id="other")
    await new_response("2", flow_id="tdf2019")

    assert await store.latest_response(first.respondent_id) == second
    assert await store.latest_response(first.respondent_id, "tdf2019") == first
    assert await store.latest_response(first.respondent_id, "nope") is None
    assert await store.latest_response(404) is None


async def test_save_and_reload_round_trip(
    store_target: Path | str, store: Store, new_response, clock
) -> None:
    response = await new_response(stage_code=None, language="fr")
    saved_at = clock.tick()
    saved = await store.save_progress(
        response.id,
        state_json='{"history": ["q1", "q2"]}',
        current_step="q3",
        answers={"q1": AnswerInput("oui"), "q2": AnswerInput(4)},
        status=ResponseStatus.IN_PROGRESS,
        now=saved_at,
        language="en",
        stage_code="vierzon",
    )
    await store.close()

    async with await open_store(store_target) as reopened:
        reloaded = await reopened.get_response(response.id)
        answers = await reopened.answers_for(response.id)

    assert reloaded == saved
    assert saved.state_json == '{"history": ["q1", "q2"]}'
    assert saved.current_step == "q3"
    assert (saved.language, saved.stage_code) == ("en", "vierzon")
    assert saved.started_at == response.started_at
    assert saved.updated_at == saved_at
    assert saved.completed_at is None
    assert {q: a.value for q, a in answers.items()} == {"q1": "oui", "q2": 4}


async def test_a_restarted_response_was_started_when_it_restarted(
    store: Store, new_response, clock
) -> None:
    response = await new_response()
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q2",
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    restarted_at = clock.tick(86_400)

    saved = await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q1",
        answers={},
        status=ResponseStatus.IN_PROGRESS,
        now=restarted_at,
        restarted=True,
    )

    assert saved.started_at == restarted_at != response.started_at
    assert (await store.get_response(response.id)) == saved


async def test_language_and_stage_are_kept_when_not_given(
    store: Store, new_response, clock
) -> None:
    response = await new_response(stage_code="pithiviers", language="fr")
    saved = await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q2",
        answers={},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    assert (saved.language, saved.stage_code) == ("fr", "pithiviers")


async def test_completion_time_is_set_once_and_cleared_on_reopen(
    store: Store, new_response, clock
) -> None:
    response = await new_response()

    async def save(status: ResponseStatus, now: dt.datetime) -> dt.datetime | None:
        saved = await store.save_progress(
            response.id,
            state_json="{}",
            current_step=None,
            answers={},
            status=status,
            now=now,
        )
        return saved.completed_at

    completed = clock.tick()
    assert await save(ResponseStatus.COMPLETED, completed) == completed
    # Saving a completed response again does not move its completion time.
    assert await save(ResponseStatus.COMPLETED, clock.tick()) == completed
    # Going back to fix an answer reopens it...
    assert await save(ResponseStatus.IN_PROGRESS, clock.tick()) is None
    # ...and finishing again records the new completion.
    recompleted = clock.tick()
    assert await save(ResponseStatus.COMPLETED, recompleted) == recompleted

    reloaded = await store.get_response(response.id)
    assert reloaded is not None
    assert reloaded.status is ResponseStatus.COMPLETED
    assert reloaded.completed_at == recompleted


async def test_abandoned_response(store: Store, new_response, clock) -> None:
    response = await new_response()
    saved = await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q4",
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.ABANDONED,
        now=clock.tick(),
    )
    assert saved.status is ResponseStatus.ABANDONED
    assert saved.completed_at is None


async def test_times_are_stored_in_utc(store: Store, peek) -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    now = dt.datetime(2019, 6, 3, 11, 30, 0, 250, tzinfo=paris)
    respondent = await store.ensure_respondent("terminal", "ana", now=now)

    assert respondent.created_at == now
    assert respondent.created_at.utcoffset() == dt.timedelta(0)
    assert peek.query("SELECT created_at FROM respondents") == [
        ("2019-06-03T09:30:00.000250+00:00",)
    ]


async def test_naive_time_is_refused(store: Store, peek) -> None:
    with pytest.raises(StorageError, match="timezone-aware"):
        await store.ensure_respondent("terminal", "ana", now=dt.datetime(2019, 6, 3, 9, 0))
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_count_responses(store: Store, new_response, clock) -> None:
    assert await store.count_responses() == dict.fromkeys(ResponseStatus, 0)
    for external_id in ("1", "2", "3"):
        await new_response(external_id)
    done = await new_response("4")
    await store.save_progress(
        done.id,
        state_json="{}",
        current_step=None,
        answers={},
        status=ResponseStatus.COMPLETED,
        now=clock.tick(),
    )

    assert await store.count_responses() == {
        ResponseStatus.IN_PROGRESS: 3,
        ResponseStatus.COMPLETED: 1,
        ResponseStatus.ABANDONED: 0,
    }


async def test_count_matching_counts_what_an_export_with_that_filter_would_hold(
    store: Store, new_response
) -> None:
    await new_response("1", stage_code="pithiviers")
    await new_response("2", stage_code="evreux")
    await new_response("3", stage_code="pithiviers", flow_id="territoire")
    pithiviers = ("pithiviers",)
    assert await store.count_matching(ResponseFilter("tdf2019")) == 2
    assert await store.count_matching(ResponseFilter("tdf2019", pithiviers)) == 1
    assert await store.count_matching(ResponseFilter("territoire", pithiviers)) == 1
    assert await store.count_matching(ResponseFilter("territoire", ("evreux",))) == 0
    assert await store.count_matching(ResponseFilter("unknown")) == 0


# Answers


async def test_resaving_keeps_one_row_per_question_with_the_latest_value(
    store: Store, new_response, clock, peek
) -> None:
    response = await new_response()
    for value in ("non", "oui", "peut-être"):
        await store.save_progress(
            response.id,
            state_json="{}",
            current_step="q2",
            answers={"q1": AnswerInput(value)},
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )

    assert peek.query("SELECT question_id, value_json FROM answers") == [("q1", '"peut-être"')]
    answers = await store.answers_for(response.id)
    assert answers["q1"].value == "peut-être"


async def save_step(
    store: Store,
    response_id: int,
    answers: dict[str, AnswerInput],
    now: dt.datetime,
    **changes: Any,
) -> None:
    """Save a step of a response in progress, as the conversation does: every answer so far."""
    await store.save_progress(
        response_id,
        state_json="{}",
        current_step=None,
        answers=answers,
        status=ResponseStatus.IN_PROGRESS,
        now=now,
        **changes,
    )


async def test_answer_time_moves_only_when_the_answer_changes(
    store: Store, new_response, clock
) -> None:
    response = await new_response()

    async def save(answers: dict[str, AnswerInput]) -> dict[str, dt.datetime]:
        await save_step(store, response.id, answers, clock.tick())
        return {q: a.answered_at for q, a in (await store.answers_for(response.id)).items()}

    first = await save({"q1": AnswerInput("a"), "q2": AnswerInput(["x", "y"], "autre")})
    # Step 2: the engine re-sends every answer; q1 and q2 did not change.
    second = await save(
        {"q1": AnswerInput("a"), "q2": AnswerInput(["x", "y"], "autre"), "q3": AnswerInput(5)}
    )
    assert second["q1"] == first["q1"]
    assert second["q2"] == first["q2"]
    assert second["q3"] == clock.now

    changed_value = await save(
        {"q1": AnswerInput("b"), "q2": AnswerInput(["x", "y"], "autre"), "q3": AnswerInput(5)}
    )
    assert changed_value["q1"] == clock.now
    assert changed_value["q2"] == first["q2"]

    changed_other_text = await save(
        {"q1": AnswerInput("b"), "q2": AnswerInput(["x", "y"], "other"), "q3": AnswerInput(5)}
    )
    assert changed_other_text["q2"] == clock.now
    assert changed_other_text["q1"] == changed_value["q1"]


def log_answer_writes(peek: Any) -> None:
    """Record in `answer_writes` the question of every answer row updated, on either backend."""
    if isinstance(peek, PgPeek):
        peek.execute("CREATE TABLE answer_writes (question_id text)")
        peek.execute(
            "CREATE FUNCTION logged() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO answer_writes VALUES (NEW.question_id); RETURN NEW; END $$"
        )
        peek.execute(
            "CREATE TRIGGER logged AFTER UPDATE ON answers FOR EACH ROW EXECUTE FUNCTION logged()"
        )
        return
    conn = sqlite3.connect(peek.path, isolation_level=None)
    try:
        conn.executescript(
            "CREATE TABLE answer_writes (question_id TEXT);"
            "CREATE TRIGGER logged AFTER UPDATE ON answers BEGIN "
            "INSERT INTO answer_writes VALUES (NEW.question_id); END;"
        )
    finally:
        conn.close()


async def test_only_answers_that_changed_are_written_again(
    store: Store, new_response, clock, peek
) -> None:
    response = await new_response()
    fifty = {f"q{n}": AnswerInput(f"answer {n}") for n in range(50)}

    async def save(answers: dict[str, AnswerInput], **changes: Any) -> None:
        await save_step(store, response.id, answers, clock.tick(), **changes)

    await save(fifty)
    log_answer_writes(peek)
    # The engine re-sends all fifty at each step; one of them changed.
    await save({**fifty, "q7": AnswerInput("changed"), "q50": AnswerInput(1)})
    assert peek.query("SELECT question_id FROM answer_writes") == [("q7",)]
    # A new stage is written on every row, each keeping its value.
    await save({**fifty, "q7": AnswerInput("changed"), "q50": AnswerInput(1)}, stage_code="vierzon")
    assert len(peek.query("SELECT question_id FROM answer_writes")) == 1 + 51
    answers = await store.answers_for(response.id)
    assert {a.stage_code for a in answers.values()} == {"vierzon"}
    assert (answers["q7"].value, answers["q50"].value, len(answers)) == ("changed", 1, 51)


async def test_answers_come_back_in_answered_order(store: Store, new_response, clock) -> None:
    response = await new_response()
    for answers in (
        {"q9": AnswerInput("a")},
        {"q9": AnswerInput("a"), "q2": AnswerInput("b"), "q5": AnswerInput("c")},
        {"q9": AnswerInput("changed"), "q2": AnswerInput("b"), "q5": AnswerInput("c")},
    ):
        await store.save_progress(
            response.id,
            state_json="{}",
            current_step=None,
            answers=answers,
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )
    assert list(await store.answers_for(response.id)) == ["q2", "q5", "q9"]


async def test_answers_left_out_are_deleted(store: Store, new_response, clock, peek) -> None:
    response = await new_response()
    other = await new_response("2")
    for target in (response, other):
        await store.save_progress(
            target.id,
            state_json="{}",
            current_step="q3",
            answers={"q1": AnswerInput("oui"), "q2": AnswerInput("detail"), "q3": AnswerInput(1)},
            status=ResponseStatus.IN_PROGRESS,
            now=clock.tick(),
        )
    # Going back to q1 and answering "non" makes q2 unreachable: the engine drops it.
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q3",
        answers={"q1": AnswerInput("non"), "q3": AnswerInput(1)},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )

    assert set(await store.answers_for(response.id)) == {"q1", "q3"}
    assert set(await store.answers_for(other.id)) == {"q1", "q2", "q3"}
    assert peek.query("SELECT COUNT(*) FROM answers WHERE response_id = ?", (response.id,)) == [
        (2,)
    ]


async def test_answer_rows_carry_flow_version_stage_and_time(
    store: Store, new_response, clock
) -> None:
    response = await new_response(flow_id="tdf2019", flow_version=3, stage_code=None)
    first_at = clock.tick()
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step=None,
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.IN_PROGRESS,
        now=first_at,
    )
    # The respondent picks their workshop later: answers follow the response's stage.
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step=None,
        answers={"q1": AnswerInput("oui"), "q2": AnswerInput(["a"])},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
        stage_code="vierzon",
    )

    answers = await store.answers_for(response.id)
    q1 = answers["q1"]
    assert (q1.response_id, q1.question_id) == (response.id, "q1")
    assert (q1.flow_id, q1.flow_version, q1.stage_code) == ("tdf2019", 3, "vierzon")
    assert q1.answered_at == first_at
    assert answers["q2"].stage_code == "vierzon"
    assert answers["q2"].answered_at == clock.now


TRICKY_VALUES: list[AnswerValue] = [
    "",
    "Éloïse, Saint-Étienne-du-Rouvray — « très » innovant",
    "emoji 👩🏽‍🔬🏭🇫🇷 and CJK 技术创新",
    "right-to-left: ابتكار",
    "combining e\u0301 and zero\u200bwidth",
    "nul\x00byte, tab\t, newline\n, CR\r",
    'quotes " \' \\ and {"json": [1]}',
    "=cmd|' /C calc'!A0",
    "x" * 100_000,
    "\U0010fffd",
    0,
    -17,
    2**70,
    3.141592653589793,
    -0.5,
    1e-300,
    [],
    ["a"],
    ["santé", "aéronautique", "agroalimentaire", "🧪"],
    ["", "same", "same"],
]


@pytest.mark.parametrize("value", TRICKY_VALUES, ids=lambda v: repr(v)[:30])
async def test_answer_values_round_trip(
    store_target: Path | str, backend: str, store: Store, new_response, clock, value: AnswerValue
) -> None:
    response = await new_response()
    other_text = value if isinstance(value, str) else None
    if backend == "postgresql" and other_text is not None and "\x00" in other_text:
        # PostgreSQL's text cannot hold NUL (SQLite's can): refused, and said so.
        with pytest.raises(StorageError, match="NUL character"):
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step=None,
                answers={"q1": AnswerInput(value, other_text)},
                status=ResponseStatus.IN_PROGRESS,
                now=clock.tick(),
            )
        other_text = None
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step=None,
        answers={"q1": AnswerInput(value, other_text)},
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
    )
    await store.close()

    async with await open_store(store_target, readonly=True) as reader:
        stored = (await reader.answers_for(response.id))["q1"]
    assert stored.value == value
    assert type(stored.value) is type(value)
    assert stored.other_text == other_text


answer_values = (
    st.text()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.lists(st.text(), max_size=8)
)


@settings(max_examples=60, deadline=None)
@given(
    answers=st.dictionaries(
        st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True),
        st.tuples(answer_values, st.none() | st.text()),
        max_size=6,
    ),
    state_json=st.text(),
)
def test_any_answers_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    answers: dict[str, tuple[AnswerValue, str | None]],
    state_json: str,
) -> None:
    path = tmp_path_factory.mktemp("roundtrip") / "survey.sqlite3"
    now = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)

    async def scenario() -> None:
        async with await Store.open(path) as store:
            respondent = await store.ensure_respondent("terminal", "ana", now=now)
            response = await store.start_response(
                respondent.id,
                flow_id="f",
                flow_version=1,
                stage_code=None,
                language="fr",
                state_json="{}",
                current_step=None,
                now=now,
            )
            saved = await store.save_progress(
                response.id,
                state_json=state_json,
                current_step=None,
                answers={q: AnswerInput(v, o) for q, (v, o) in answers.items()},
                status=ResponseStatus.IN_PROGRESS,
                now=now,
            )
            stored = await store.answers_for(response.id)
        assert saved.state_json == state_json
        assert {q: (a.value, a.other_text) for q, a in stored.items()} == answers
        # Saved together, they come back in the order given.
        assert list(stored) == list(answers)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("value", "other_text"),
    [
        ({"not": "allowed"}, None),
        (None, None),
        (["a", 1], None),
        (float("nan"), None),
        (float("inf"), None),
        ("lone surrogate \ud800", None),
        ("fine", "lone surrogate \udfff"),
    ],
    ids=["dict", "none", "mixed-list", "nan", "inf", "surrogate-value", "surrogate-other"],
)
async def test_unstorable_answer_is_refused_and_nothing_is_written(
    store: Store, new_response, clock, peek, value: Any, other_text: str | None
) -> None:
    response = await new_response()
    before = peek.dump()
    with pytest.raises(StorageError, match="'q2'"):
        await store.save_progress(
            response.id,
            state_json='{"changed": true}',
            current_step="q3",
            answers={"q1": AnswerInput("ok"), "q2": AnswerInput(value, other_text)},
            status=ResponseStatus.COMPLETED,
            now=clock.tick(),
        )
    assert peek.dump() == before


async def test_saving_a_missing_response_is_an_error_and_writes_nothing(
    store: Store, new_response, clock, peek
) -> None:
    await new_response()
    before = peek.dump()
    with pytest.raises(StorageError, match="response 404"):
        await store.save_progress(
            404,
            state_json="{}",
            current_step=None,
            answers={"q1": AnswerInput("oui")},
            status=ResponseStatus.COMPLETED,
            now=clock.tick(),
        )
    assert peek.dump() == before


# Stages


async def test_sync_stages_upserts_and_keeps_unlisted(store: Store) -> None:
    await store.sync_stages(
        [
            Stage(
                "pithiviers", "Pithiviers", "Centre-Val de Loire", "Pithiviers", dt.date(2019, 6, 3)
            ),
            Stage("vierzon", "Vierzon", date=dt.date(2019, 6, 10), flow_id="tdf2019"),
        ]
    )
    await store.sync_stages(
        [Stage("vierzon", "Vierzon-Ville", region="Centre-Val de Loire", date=dt.date(2019, 6, 11))]
    )

    assert await store.get_stage("vierzon") == Stage(
        "vierzon", "Vierzon-Ville", region="Centre-Val de Loire", date=dt.date(2019, 6, 11)
    )
    assert await store.get_stage("pithiviers") == Stage(
        "pithiviers", "Pithiviers", "Centre-Val de Loire", "Pithiviers", dt.date(2019, 6, 3)
    )
    assert await store.get_stage("nowhere") is None


async def test_list_stages_by_date_then_code(store: Store) -> None:
    await store.sync_stages(
        [
            Stage("undated", "Somewhere"),
            Stage("b_second", "B", date=dt.date(2019, 6, 3)),
            Stage("z_last", "Z", date=dt.date(2019, 10, 1)),
            Stage("a_first", "A", date=dt.date(2019, 6, 3)),
        ]
    )
    codes = [stage.code for stage in await store.list_stages()]
    assert codes == ["a_first", "b_second", "z_last", "undated"]
