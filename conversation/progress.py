"""Saving a respondent's progress: the engine's state and the answers that count, in one commit."""

from __future__ import annotations

from datetime import datetime

from flows import Flow, ResponseState, effective_answers, other_texts
from storage import AnswerInput, Response, ResponseStatus, SurveyStore


async def save_state(
    store: SurveyStore,
    flow: Flow,
    response: Response,
    state: ResponseState,
    now: datetime,
    *,
    lang: str | None = None,
    stage_code: str | None = None,
    update_id: int | None = None,
    restarted: bool = False,
) -> Response:
    """Commit `state` on the flow's current version, with the delivery id that brought it.

    Answers to questions no longer shown are dropped from the answers table; they
    stay in the state, and count again if the branch that hid them is undone (but
    for personal ones, which the turn takes out first: `flows.without_hidden_personal`).
    The state is decided on `response` as read: if the stored one has changed
    since (another instance applied an input of this person), nothing is saved
    and `storage.Conflict` is raised, for the turn to be decided again. A response
    `restarted` (started over) counts as started now: its duration is the new attempt's.
    """
    others = other_texts(flow, state)
    answers = {
        question: AnswerInput(value=value, other_text=others.get(question))
        for question, value in effective_answers(flow, state).items()
    }
    # A response once completed stays so (and keeps its first completion time), whatever
    # changing an answer does: walking away mid-revision, even from a question the change
    # opened, must not drop a response an analyst already counted. Only starting over
    # makes it unfinished again.
    done = state.finished or (response.status == ResponseStatus.COMPLETED and not restarted)
    return await store.save_progress(
        response.id,
        state_json=state.model_dump_json(),
        current_step=state.current,
        answers=answers,
        status=ResponseStatus.COMPLETED if done else ResponseStatus.IN_PROGRESS,
        now=now,
        language=lang,
        stage_code=stage_code,
        update_id=update_id,
        flow_version=flow.version,
        base_state=response.state_json,
        restarted=restarted,
    )
