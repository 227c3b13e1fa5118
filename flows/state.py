"""A response's state, what of it counts under a flow, and carrying it onto a new version.

The state is plain data that round-trips through JSON. Which steps are shown
and which answers count are computed from it and the flow, never stored: a
changed answer can hide later questions, and restoring it brings them back.
The moves that change a state are in `flows.engine`; what to show is in
`flows.prompts`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from flows.checks import OTHER
from flows.conditions import holds
from flows.model import Flow, InfoStep, Step
from flows.values import AnswerValue, Invalid, check_value


class ResponseState(BaseModel):
    """Where a respondent is in a flow. Plain data: `model_dump_json()` stores it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    current: str | None
    """The step on screen; None once finished."""
    history: list[str] = Field(default_factory=list)
    """Steps left before the current one, for going back: each once, where last left."""
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    """Every answer given, including to steps later hidden (kept as defaults)."""
    others: dict[str, str] = Field(default_factory=dict)
    """The free text of "Other, please specify", by question."""
    skipped: list[str] = Field(default_factory=list)
    draft: list[str] | None = None
    """Selections of a multiple choice or ranking being built by taps."""
    awaiting_other: bool = False
    """The current question's "Other" was chosen; its text is asked next."""
    reviewing: bool = False
    """Changing one answer after finishing: go back to the end afterwards."""
    finished: bool = False
    seq: int = 0
    """Bumped at every change, so a transport can tell a stale button from a fresh one."""


# --- what counts --------------------------------------------------------------


def visible_steps(flow: Flow, state: ResponseState) -> list[Step]:
    """The steps shown given the answers so far, in order."""
    return visibility(flow, state.answers)[0]


def effective_answers(flow: Flow, state: ResponseState) -> dict[str, AnswerValue]:
    """The answers that count: those to steps still shown."""
    return visibility(flow, state.answers)[1]


def other_texts(flow: Flow, state: ResponseState) -> dict[str, str]:
    """The "Other" texts that count: only where the answer still includes "other"."""
    counted = effective_answers(flow, state)
    return {
        question: text
        for question, text in state.others.items()
        if question in counted and includes_other(counted[question])
    }


def includes_other(value: AnswerValue) -> bool:
    """Whether an answer is, or includes, the "Other, please specify" choice."""
    return OTHER in value if isinstance(value, list) else value == OTHER


def visibility(
    flow: Flow, answers: Mapping[str, AnswerValue]
) -> tuple[list[Step], dict[str, AnswerValue]]:
    """The steps shown and the answers that count, computed together in one pass."""
    # In flow order: conditions only look at earlier questions, so a hidden
    # question's answer never reaches a later condition.
    shown: list[Step] = []
    counted: dict[str, AnswerValue] = {}
    for section in flow.sections:
        if section.show_if is not None and not holds(section.show_if, counted):
            continue
        for step in section.steps:
            if step.show_if is None or holds(step.show_if, counted):
                shown.append(step)
                if step.id in answers:
                    counted[step.id] = answers[step.id]
    return shown, counted


def next_visible(flow: Flow, answers: Mapping[str, AnswerValue], after: str | None) -> str | None:
    """The first step shown after `after` (from the start when None), if any."""
    order = [step.id for step in flow.steps()]
    shown = {step.id for step in visibility(flow, answers)[0]}
    start_at = order.index(after) + 1 if after is not None else 0
    return next((sid for sid in order[start_at:] if sid in shown), None)


def first_open(flow: Flow, state: ResponseState) -> str | None:
    """The first shown question with neither an answer nor a skip."""
    for step in visible_steps(flow, state):
        if isinstance(step, InfoStep):
            continue
        if step.id not in state.answers and step.id not in state.skipped:
            return step.id
    return None


def current_step(flow: Flow, state: ResponseState) -> Step | None:
    """The step on screen; None when finished or when the flow no longer has it."""
    if state.finished or state.current is None:
        return None
    try:
        return flow.step(state.current)
    except KeyError:
        return None


# --- another version of the flow ----------------------------------------------


def rebase(flow: Flow, state: ResponseState) -> ResponseState:
    """Carry a state saved under another version of a flow onto `flow`, keeping what fits.

    An answer stays when its question still exists and accepts it; "Other" texts
    stay with the answers that still include "other"; skips and history keep the
    steps that still exist, and a skip stays only where skipping is still allowed. A finished response stays finished. An unfinished one
    stays on its step if that is still shown, or else moves to the first open
    question, or finishes when none is left. `seq` rises, so old buttons are stale.
    """
    answers = _fitting_answers(flow, state.answers)
    known = {step.id for step in flow.steps()}
    # A question made required since is asked again rather than left skipped.
    optional = {step.id for step in flow.steps() if not step.required}
    kept = state.model_copy(
        update={
            "answers": answers,
            "others": {
                question: text
                for question, text in state.others.items()
                if question in answers and includes_other(answers[question])
            },
            "skipped": [step_id for step_id in state.skipped if step_id in optional],
            "history": [step_id for step_id in state.history if step_id in known],
            "draft": None,
            "awaiting_other": False,
            "seq": state.seq + 1,
        }
    )
    if state.finished or state.current is None:
        return kept.model_copy(update={"current": None, "finished": True, "reviewing": False})
    shown = {step.id for step in visible_steps(flow, kept)}
    current = state.current if state.current in shown else first_open(flow, kept)
    return kept.model_copy(
        update={
            "current": current,
            "finished": current is None,
            "reviewing": state.reviewing and current is not None,
        }
    )


def _fitting_answers(flow: Flow, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers `flow` still accepts, as it would store them."""
    fitting: dict[str, AnswerValue] = {}
    for question, value in answers.items():
        try:
            step = flow.step(question)
        except KeyError:
            continue
        checked = check_value(flow, step, value, flow.language)
        if not isinstance(checked, Invalid):
            fitting[question] = checked
    return fitting
