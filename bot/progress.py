"""Saving a respondent's progress: the engine's state and the answers that count, in one commit."""

from __future__ import annotations

from datetime import datetime

from flows import Flow, ResponseState, StageDef, effective_answers, other_texts
from storage import AnswerInput, Response, ResponseStatus, Stage, Store


async def save_state(
    store: Store,
    flow: Flow,
    response: Response,
    state: ResponseState,
    now: datetime,
    *,
    lang: str | None = None,
    update_id: int | None = None,
) -> Response:
    """Commit `state`; answers to questions no longer shown are dropped from the answers table."""
    others = other_texts(flow, state)
    answers = {
        question: AnswerInput(value=value, other_text=others.get(question))
        for question, value in effective_answers(flow, state).items()
    }
    # Changing one answer after finishing keeps the response complete: walking away
    # mid-revision must not drop a fully answered response from the export.
    revising = response.status == ResponseStatus.COMPLETED and state.reviewing
    finished = state.finished or revising
    status = ResponseStatus.COMPLETED if finished else ResponseStatus.IN_PROGRESS
    return await store.save_progress(
        response.id,
        state_json=state.model_dump_json(),
        current_step=state.current,
        answers=answers,
        status=status,
        now=now,
        language=lang,
        update_id=update_id,
    )


def stage_rows(stages: list[StageDef]) -> list[Stage]:
    """The stages file's entries as the store keeps them."""
    return [
        Stage(
            code=s.code,
            city=s.city,
            region=s.region,
            territory=s.territory,
            date=s.date,
            flow_id=s.flow,
        )
        for s in stages
    ]
