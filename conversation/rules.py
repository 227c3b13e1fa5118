"""Pure rules about actions: which engine move a button makes, and whether it can be trusted.

Functions of the flow, the stages and the state, with no storage: the `Turn`
calls them, and they can be tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from conversation.actions import Action, Intent, selection_mark
from conversation.words import say
from flows import (
    Flow,
    Outcome,
    Prompt,
    ResponseState,
    StageDef,
    acknowledge,
    answer,
    answer_text,
    back,
    choose,
    confirm,
    find_stage,
    is_stage_code,
    skip,
    split_entry,
    summary,
    toggle,
)


def move(flow: Flow, state: ResponseState, action: Action, lang: str) -> Outcome:
    """The engine's outcome of a question's action (a choice, a tick, back, skip…)."""
    if action.intent == Intent.CHOOSE:
        return choose(flow, state, action.value, lang)
    if action.intent in (Intent.TICK, Intent.UNTICK):
        return toggle(flow, state, action.value, lang, ticked=action.intent == Intent.TICK)
    if action.intent == Intent.TOGGLE:  # a button drawn before TICK and UNTICK
        return toggle(flow, state, action.value, lang)
    if action.intent == Intent.CONFIRM:
        return confirm(flow, state, lang)
    if action.intent == Intent.SKIP:
        return skip(flow, state, lang)
    if action.intent == Intent.BACK:
        return go_back(flow, state, lang)
    if action.intent == Intent.SAME:
        return same_again(flow, state, lang)
    return acknowledge(flow, state, lang)


def same_again(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """The earlier answer to the question on screen (or its "Other" text), given again."""
    step = state.current or ""
    if state.awaiting_other and step in state.others:
        return answer_text(flow, state, state.others[step], lang)
    if not state.awaiting_other and step in state.answers:
        return answer(flow, state, state.answers[step], lang)
    return Outcome(state, say("nothing_to_keep", lang))


def go_back(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """The previous question, or why there is none."""
    moved = back(flow, state)
    if moved == state:
        return Outcome(state, say("no_back", lang))
    return Outcome(moved)


SUMMARY_NUMBER = re.compile(r"(?:n°|no|#|q)?\s*(\d{1,4})\s*[.)]?", re.IGNORECASE)
"""A line's number as people type one they read: "3", "3.", "n°3", "#3", "Q3"."""


def named_in_summary(flow: Flow, state: ResponseState, text: str, lang: str) -> str | None:
    """The question a typed number names, as the summary numbers its lines, if any.

    The summary's numbers are the questions' own ("Question 3/24"), so a number typed
    once the questionnaire is over means the same on every channel: change that answer
    (with or without the picker shown, which asks for exactly these numbers).
    """
    match = SUMMARY_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    rows = summary(flow, state, lang)
    number = int(match.group(1))
    return rows[number - 1][0] if 1 <= number <= len(rows) else None


def is_stale(state: ResponseState, step: str, seq: int) -> bool:
    """An action offered for another question, or before the state last changed.

    Ticks leave `seq` as it is (`flows.toggle`): every copy of a question's buttons is
    valid while the question is asked; leaving it (validated, back, restarted) changes it.
    """
    return state.finished or state.current != step or state.seq != seq


def stale_word(state: ResponseState | None, action: Action) -> str:
    """What a stale question's button is told, by what became of the question."""
    if state is None:
        return "stale_none_open"  # erased, maybe from another device: no "latest question"
    taken = state.current != action.step and state.answers.get(action.step) == action.value
    if action.intent == Intent.CHOOSE and taken:
        return "stale_taken"  # a double tap, the first taken: not "answer the latest"
    return "stale_finished" if state.finished else "stale"


def drawn_otherwise(
    action: Action, state: ResponseState, shown: Callable[[ResponseState], Prompt | None]
) -> bool:
    """Whether a button drawn with a selection ("Valider (2)", a ranking's undo) shows
    another than the one now in `state` (`shown`: its prompt): a copy from before the
    latest ticks, not to obey, as the person has not seen what it would do."""
    if not action.mark:
        return False  # none to compare, or a token from before marks: its `seq` vouches
    now = shown(state)
    return now is None or selection_mark(now.kind, now.selected) != action.mark


def offered(
    action: Action,
    flow: Flow,
    stages: Sequence[StageDef],
    state: ResponseState | None,
    lang: str,
    linked: Flow | None = None,
) -> bool:
    """Whether the values a menu action carries are ones this conversation could have offered.

    `linked`: the flow the action's entry names, when the bot runs several (`Showing.linked`).
    """
    if action.intent in (Intent.SWITCH_ASK, Intent.SWITCH):
        # Offered only by a bot with several questionnaires, for one that its entry names.
        return linked is not None
    if action.intent == Intent.RESUME and action.stage:
        # "Go on" under a switch offer, or another workshop's resume offer, carries the
        # person's own entry: the workshop (if any) one of the list, an audience (if any)
        # known to a bot with several questionnaires.
        if is_stage_code(stages, action.stage):
            return True  # a workshop's own code, even one holding "__" (one questionnaire)
        code, audience = split_entry(action.stage)
        known = not code or find_stage(stages, code) is not None
        return known and (not audience or linked is not None)
    if action.intent == Intent.STAGE:
        # A workshop picked from the list must be one of the list. Elsewhere a workshop
        # since removed from the stages file is simply dropped: the choice still stands.
        return find_stage(stages, action.stage) is not None
    if action.intent == Intent.LANGUAGE:
        return action.value in flow.languages
    if action.intent in (Intent.CONSENT, Intent.DECLINE):
        # A flow without a notice has nothing to agree to.
        return flow.consent_version is not None and action.lang in ("", *flow.languages)
    if action.intent == Intent.REVISE:
        return state is not None and any(
            step_id == action.value for step_id, _, _ in summary(flow, state, lang)
        )
    return True
