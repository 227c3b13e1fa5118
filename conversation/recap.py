"""The answers read back: the summary at the end, the transcript above a question, the
menu of answers to change, and the question just left with its answer.

Pure functions of the flow, the state and the language, as in `conversation.views`
(which names them too). A response kept as given on an older version of the flow is
read back with that version (`Showing.given`): its labels, every question it answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from conversation.actions import WHOLE, Action, Intent
from conversation.screens import Answered, Choice, Menu, Summary, Transcript
from conversation.words import say
from flows import (
    Flow,
    Kind,
    Prompt,
    ResponseState,
    display_value,
    pending_choice,
    summary,
    visible_steps,
)


def summary_screen(
    flow: Flow, state: ResponseState, lang: str, *, as_given: bool = False, brief: bool = False
) -> Summary:
    """The answers as read back, ending with "change an answer".

    `as_given`: a response completed under another version of the flow, shown
    with the questions it was given (none added since) and without "change".
    `brief`: the person saw these lines, numbered as now, just before; a chat may then
    offer them behind a button (`Summary.whole`) rather than send them all again.
    """
    rows = summary(flow, state, lang)
    if as_given:
        rows = [row for row in rows if row[0] in state.answers or row[0] in state.skipped]
    entries = tuple(
        # Whole, as validate allows them: a channel with a limit splits (Telegram's render).
        (f"{index}. {question}", shown)
        for index, (_, question, shown) in enumerate(rows, 1)
    )
    if as_given:
        return Summary(say("summary_title", lang), entries, None)
    revise = Choice(say("revise", lang), Action(Intent.REVISE_MENU))
    edits = tuple(
        Choice(say("revise_this", lang), Action(Intent.REVISE, value=step_id))
        for step_id, _, _ in rows
    )
    whole = (
        Choice(say("summary_whole", lang), Action(Intent.SUMMARY, value=WHOLE)) if brief else None
    )
    return Summary(say("summary_title", lang), entries, revise, edits, whole)


def changed_alone(flow: Flow, before: ResponseState, after: ResponseState) -> bool:
    """Whether a change of answer, from `before` to the end, was of one answer given before
    (none it opened since) and leaves the summary's lines as they were: the numbers a chat's
    picker asks for still name the lines of the summary the person saw."""
    return not asked_anew(before) and _lines(flow, before) == _lines(flow, after)


def asked_anew(state: ResponseState) -> bool:
    """Whether the question on screen was never answered (nor skipped): one a change of
    answer opened, rather than the answer being changed."""
    current = state.current
    return current is not None and current not in state.answers and current not in state.skipped


def _lines(flow: Flow, state: ResponseState) -> list[str]:
    """The questions the summary lists, as `flows.summary` picks them (information aside)."""
    return [step.id for step in visible_steps(flow, state) if step.type != Kind.INFO]


def transcript(flow: Flow, state: ResponseState, lang: str) -> Transcript:
    """The questions answered (or skipped) before the one on screen, in the questionnaire's order.

    Only those before it: after going back, or when changing an answer from the end,
    the answers that come later are not the conversation so far, and a page showing
    them above the question would read out of order.
    """
    order = [step.id for step in visible_steps(flow, state)]
    before = set(order[: order.index(state.current)] if state.current in order else order)
    done = (set(state.answers) | set(state.skipped)) & before
    return Transcript(
        tuple(
            (question, shown)
            for step_id, question, shown in summary(flow, state, lang)
            if step_id in done
        )
    )


def revise_menu(flow: Flow, state: ResponseState, lang: str) -> Menu:
    """The questions of the summary, by number, to pick the one to change."""
    choices = tuple(
        Choice(str(index), Action(Intent.REVISE, value=step_id))
        for index, (step_id, _, _) in enumerate(summary(flow, state, lang), 1)
    )
    # A way back to the summary without changing anything.
    cancel = Action(Intent.SUMMARY)
    choices += (Choice(say("revise_cancel", lang), cancel),)
    return Menu(say("revise_pick", lang), choices, columns=6, default=cancel)


def answered(
    flow: Flow, left: Prompt, before: ResponseState, after: ResponseState, lang: str
) -> Answered:
    """The question just left, with its answer as read back (None: went back, or information).

    Its prompt is the question as it now reads: `awaiting_other` while a chosen "Other"
    waits for its text, not an answer yet (a channel marks it apart), never once given."""
    step = flow.step(left.step_id)
    moved_back = len(after.history) < len(before.history) and not after.reviewing
    if step.type == Kind.INFO or moved_back:
        return Answered(left, None)
    # The choice "Other" was just made: its text is asked next, on the same question.
    if after.awaiting_other and after.current == left.step_id:
        chosen = display_value(flow, step, pending_choice(step, after), None, lang)
        return Answered(replace(left, awaiting_other=True), chosen)
    left = replace(left, awaiting_other=False)
    value = after.answers.get(left.step_id)
    if value is None or left.step_id in after.skipped:
        return Answered(left, say("skipped", lang), skipped=True)
    return Answered(left, display_value(flow, step, value, after.others.get(left.step_id), lang))


def stored_answers(
    flow: Flow | None, answers: Mapping[str, Mapping[str, Any]], lang: str
) -> tuple[tuple[str, str], ...]:
    """A stored response's answers as its person reads them (for their copy of their data):
    (question as asked, answer as read back), in the questionnaire's order.

    `answers`: as `respondent_data` gives them ({"value", "other_text"} by question id).
    What `flow` does not ask (a questionnaire no longer run, a question since removed)
    is named by its id with the value as stored: nothing of theirs is left out."""
    values: dict[str, Any] = {qid: a.get("value") for qid, a in answers.items()}
    others = {qid: str(a["other_text"]) for qid, a in answers.items() if a.get("other_text")}
    read: list[tuple[str, str]] = []
    if flow is not None:
        try:
            state = ResponseState(current=None, answers=values, others=others)
        except ValidationError:  # stored under rules since changed: read as stored below
            state = None
        rows = summary(flow, state, lang) if state is not None else []
        read = [(question, shown) for qid, question, shown in rows if qid in values]
        asked = {qid for qid, _, _ in rows}
        values = {qid: v for qid, v in values.items() if qid not in asked}
    for qid, value in values.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        read.append((qid, f"{shown} ({others[qid]})" if qid in others else shown))
    return tuple(read)
