"""Each answer row keeps the flow version it was given on, as it keeps the time it was given.

A response carried over to a newer version of its flow (`conversation.showing`)
is saved with the newer version, and every save re-sends the whole answer set:
an answer kept as it stood was still given on the older version, whose
question may have offered other choices. Its row says so until the answer
changes; the export reads it (`ResponseBatch.answer_versions`) to leave empty
a choice that version did not offer. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage import AnswerInput, ResponseFilter, ResponseStatus, open_snapshot
from tests.conftest import Clock
from tests.storage.conftest import NewResponse


async def save(
    store: Any,
    clock: Clock,
    response_id: int,
    answers: dict[str, AnswerInput],
    *,
    flow_version: int | None = None,
    stage_code: str | None = None,
) -> None:
    await store.save_progress(
        response_id,
        state_json="{}",
        current_step=None,
        answers=answers,
        status=ResponseStatus.IN_PROGRESS,
        now=clock.tick(),
        flow_version=flow_version,
        stage_code=stage_code,
    )


async def versions(store: Any, response_id: int) -> dict[str, int]:
    return {q: a.flow_version for q, a in (await store.answers_for(response_id)).items()}


async def test_an_answer_kept_as_it_stood_keeps_its_version(
    store: Any, new_response: NewResponse, clock: Clock
) -> None:
    response = await new_response(flow_version=3)
    markets = AnswerInput(["europe_other", "other"], other_text="Océanie")
    await save(store, clock, response.id, {"markets": markets, "share": AnswerInput(10)})
    given_at = (await store.answers_for(response.id))["markets"].answered_at

    # Carried over to version 4: the same answers, and a new one.
    await save(
        store,
        clock,
        response.id,
        {"markets": markets, "share": AnswerInput(10), "ai": AnswerInput("yes")},
        flow_version=4,
        stage_code="vierzon",
    )
    assert (await store.get_response(response.id)).flow_version == 4
    assert await versions(store, response.id) == {"markets": 3, "share": 3, "ai": 4}
    kept = (await store.answers_for(response.id))["markets"]
    # The row still follows the response's stage; only the version and time stay.
    assert (kept.answered_at, kept.stage_code) == (given_at, "vierzon")

    # Changed on version 4, an answer is given on version 4 (its "other" text alone, too).
    await save(
        store,
        clock,
        response.id,
        {
            "markets": AnswerInput(["europe_other", "other"], other_text="Afrique"),
            "share": AnswerInput(25),
            "ai": AnswerInput("yes"),
        },
    )
    assert await versions(store, response.id) == {"markets": 4, "share": 4, "ai": 4}


async def test_an_answer_dropped_and_given_again_is_on_the_newer_version(
    store: Any, new_response: NewResponse, clock: Clock
) -> None:
    response = await new_response(flow_version=3)
    await save(store, clock, response.id, {"staff": AnswerInput(12)})
    await save(store, clock, response.id, {}, flow_version=4)  # 12 no longer fits
    await save(store, clock, response.id, {"staff": AnswerInput(12)})
    assert await versions(store, response.id) == {"staff": 4}


async def test_the_export_snapshot_reads_the_versions_of_older_answers(
    store: Any, store_target: Path | str, new_response: NewResponse, clock: Clock
) -> None:
    carried = await new_response("1", flow_version=3)
    await save(store, clock, carried.id, {"markets": AnswerInput(["eu"])})
    await save(
        store,
        clock,
        carried.id,
        {"markets": AnswerInput(["eu"]), "ai": AnswerInput("no")},
        flow_version=4,
    )
    fresh = await new_response("2", flow_version=4)
    await save(store, clock, fresh.id, {"markets": AnswerInput(["uk"])})

    with open_snapshot(store_target) as snapshot:
        (batch,) = snapshot.batches(ResponseFilter(flow_id="tdf2019"), with_versions=True)
        (plain,) = snapshot.batches(ResponseFilter(flow_id="tdf2019"))
    assert batch.flow_versions == (4, 4)
    # Only the answers given on another version than their response's are listed.
    assert batch.answer_versions == ({"markets": 3}, {})
    assert plain.answer_versions is None
