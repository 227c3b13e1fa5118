"""The engine: given a flow and a response's state, what comes next.

Pure functions of data. The state is a frozen model that round-trips through
JSON; every function returns a new one. Transports (Telegram, terminal) call
these, store the state, then render `prompt(...)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from flows.checks import OTHER, PIPE
from flows.conditions import holds
from flows.messages import message
from flows.model import (
    Flow,
    InfoStep,
    Kind,
    MultipleChoiceStep,
    NumberStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
    Step,
    Text,
    TextStep,
)
from flows.values import (
    AnswerValue,
    Invalid,
    check_value,
    choice_labels,
    clean_text,
    display_value,
    read_choice,
)


class ResponseState(BaseModel):
    """Where a respondent is in a flow. Plain data: `model_dump_json()` stores it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    current: str | None
    """The step on screen; None once finished."""
    history: list[str] = Field(default_factory=list)
    """Steps shown before the current one, for going back."""
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


@dataclass(frozen=True)
class Prompt:
    """What to show for the current step, for any transport to render."""

    step_id: str
    kind: Kind
    section: str
    text: str
    help: str | None
    choices: tuple[tuple[str, str], ...]
    selected: tuple[str, ...]
    """Current selections (a draft, or the earlier answer as a default); ordered for ranking."""
    default: str | None
    """The earlier answer to a typed question, as text."""
    position: int
    """1-based place among the questions that can be shown; 0 on an information step."""
    total: int
    answered: int
    can_back: bool
    can_skip: bool
    awaiting_other: bool
    seq: int
    min_selected: int = 1
    max_selected: int | None = None
    exclusive: tuple[str, ...] = ()
    needed: int = 0
    """How many items a ranking orders."""
    min_label: str | None = None
    max_label: str | None = None
    unit: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of a respondent's action: the new state, or why it was refused."""

    state: ResponseState
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None


# --- moving through the flow --------------------------------------------------


def start(flow: Flow) -> ResponseState:
    """A new response, on the first step that can be shown."""
    first = _next_visible(flow, {}, after=None)
    return ResponseState(current=first, finished=first is None)


def visible_steps(flow: Flow, state: ResponseState) -> list[Step]:
    """The steps shown given the answers so far, in order."""
    return _visibility(flow, state.answers)[0]


def effective_answers(flow: Flow, state: ResponseState) -> dict[str, AnswerValue]:
    """The answers that count: those to steps still shown."""
    return _visibility(flow, state.answers)[1]


def _visibility(
    flow: Flow, answers: Mapping[str, AnswerValue]
) -> tuple[list[Step], dict[str, AnswerValue]]:
    # One pass in flow order: conditions only look at earlier questions, so a
    # hidden question's answer never reaches a later condition.
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


def _next_visible(flow: Flow, answers: Mapping[str, AnswerValue], after: str | None) -> str | None:
    order = [step.id for step in flow.steps()]
    shown = {step.id for step in _visibility(flow, answers)[0]}
    start_at = order.index(after) + 1 if after is not None else 0
    return next((sid for sid in order[start_at:] if sid in shown), None)


def _advance(flow: Flow, state: ResponseState) -> ResponseState:
    """Move past the current step once it is answered, skipped or read."""
    assert state.current is not None
    history = [*state.history, state.current]
    reviewing = state.reviewing
    following = None if reviewing else _next_visible(flow, state.answers, after=state.current)
    if following is None:
        # Never end with a shown question left open: after going back out of a
        # revision, the question it opened may lie before the step just left.
        following = _first_open(flow, state)
        reviewing = following is not None
    return state.model_copy(
        update={
            "current": following,
            "history": history,
            "draft": None,
            "awaiting_other": False,
            "finished": following is None,
            "reviewing": reviewing,
            "seq": state.seq + 1,
        }
    )


def _first_open(flow: Flow, state: ResponseState) -> str | None:
    """The first shown question with neither an answer nor a skip (after a revision)."""
    for step in visible_steps(flow, state):
        if isinstance(step, InfoStep):
            continue
        if step.id not in state.answers and step.id not in state.skipped:
            return step.id
    return None


def back(flow: Flow, state: ResponseState) -> ResponseState:
    """Return to the previous step still shown; its answer stays as the default.

    From the "please specify" text of an "Other" choice, back is the choice itself.
    """
    if state.awaiting_other and not state.finished:
        return state.model_copy(update={"awaiting_other": False, "seq": state.seq + 1})
    shown = {step.id for step in visible_steps(flow, state)}
    history = list(state.history)
    while history:
        previous = history.pop()
        if previous in shown:
            return state.model_copy(
                update={
                    "current": previous,
                    "history": history,
                    "draft": None,
                    "awaiting_other": False,
                    "finished": False,
                    "reviewing": False,
                    "seq": state.seq + 1,
                }
            )
    return state


def revise(flow: Flow, state: ResponseState, step_id: str) -> ResponseState:
    """Reopen one answered question of a finished response; afterwards, back to the end."""
    if step_id not in {step.id for step in visible_steps(flow, state)}:
        return state
    history = [*state.history, state.current] if state.current else list(state.history)
    return state.model_copy(
        update={
            "current": step_id,
            "history": history,
            "draft": None,
            "awaiting_other": False,
            "finished": False,
            "reviewing": True,
            "seq": state.seq + 1,
        }
    )


def skip(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Leave an optional question unanswered (clearing an earlier answer)."""
    step = _current_step(flow, state)
    if step is None:
        return Outcome(state, message("finished", lang))
    if step.required and not isinstance(step, InfoStep):
        return Outcome(state, message("required", lang))
    answers = {k: v for k, v in state.answers.items() if k != step.id}
    others = {k: v for k, v in state.others.items() if k != step.id}
    skipped = [*state.skipped, step.id] if step.id not in state.skipped else state.skipped
    updated = state.model_copy(update={"answers": answers, "others": others, "skipped": skipped})
    return Outcome(_advance(flow, updated))


def acknowledge(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Go on from an information step."""
    step = _current_step(flow, state)
    if step is None:
        return Outcome(state, message("finished", lang))
    if not isinstance(step, InfoStep):
        return Outcome(state, message("required", lang))
    return Outcome(_advance(flow, state))


# --- answering ----------------------------------------------------------------


def answer(flow: Flow, state: ResponseState, value: object, lang: str) -> Outcome:
    """Submit a whole answer to the current step (a code, codes, a number or a text)."""
    step = _current_step(flow, state)
    if step is None:
        return Outcome(state, message("finished", lang))
    if isinstance(step, InfoStep):
        return acknowledge(flow, state, lang)
    checked = check_value(flow, step, value, lang)
    if isinstance(checked, Invalid):
        return Outcome(state, checked.message)
    answers = {**state.answers, step.id: checked}
    skipped = [s for s in state.skipped if s != step.id]
    updated = state.model_copy(update={"answers": answers, "skipped": skipped, "draft": None})
    picked = checked if isinstance(checked, list) else [checked]
    if OTHER in picked and isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        # The free text is asked next; the choice itself is already kept.
        return Outcome(updated.model_copy(update={"awaiting_other": True, "seq": state.seq + 1}))
    others = {k: v for k, v in state.others.items() if k != step.id}
    return Outcome(_advance(flow, updated.model_copy(update={"others": others})))


def answer_text(flow: Flow, state: ResponseState, text: str, lang: str) -> Outcome:
    """A typed reply: the answer to a text question, the "Other" text, or a choice by name."""
    step = _current_step(flow, state)
    if step is None:
        return Outcome(state, message("finished", lang))
    if state.awaiting_other:
        return _answer_other(flow, state, step, text, lang)
    if isinstance(step, InfoStep):
        return acknowledge(flow, state, lang)
    if isinstance(step, SingleChoiceStep) or step.type in (Kind.YES_NO, Kind.SCALE):
        code = read_choice(flow, step, text, lang)
        if code is None and step.type == Kind.SCALE:
            return answer(flow, state, text, lang)
        if code is None:
            return Outcome(state, message("use_buttons", lang))
        value: object = int(code) if step.type == Kind.SCALE and code.isdigit() else code
        return answer(flow, state, value, lang)
    if isinstance(step, MultipleChoiceStep | RankingStep):
        return Outcome(state, message("use_buttons", lang))
    return answer(flow, state, text, lang)


def _answer_other(flow: Flow, state: ResponseState, step: Step, text: str, lang: str) -> Outcome:
    cleaned = clean_text(text)
    if not cleaned:
        return Outcome(state, message("empty", lang))
    if len(cleaned) > 200:
        return Outcome(state, message("too_long", lang, length=len(cleaned), max=200))
    others = {**state.others, step.id: cleaned}
    return Outcome(_advance(flow, state.model_copy(update={"others": others})))


def choose(flow: Flow, state: ResponseState, code: str, lang: str) -> Outcome:
    """A tap on one answer of a single choice, yes/no or scale question."""
    step = _current_step(flow, state)
    if isinstance(step, ScaleStep) and code.isdigit():
        return answer(flow, state, int(code), lang)
    return answer(flow, state, code, lang)


def toggle(flow: Flow, state: ResponseState, code: str, lang: str) -> Outcome:
    """A tap in a multiple choice (select/unselect) or a ranking (next rank/undo)."""
    step = _current_step(flow, state)
    if not isinstance(step, MultipleChoiceStep | RankingStep):
        return Outcome(state, message("use_buttons", lang))
    labels = dict(choice_labels(flow, step, lang))
    if code not in labels:
        return Outcome(state, message("unknown_choice", lang))
    draft = list(state.draft if state.draft is not None else _default_selection(state, step))
    if isinstance(step, RankingStep):
        draft = [c for c in draft if c != code] if code in draft else [*draft, code]
        updated = state.model_copy(update={"draft": draft, "seq": state.seq + 1})
        if len(draft) == step.needed:
            return answer(flow, updated, draft, lang)
        return Outcome(updated)
    if code in draft:
        draft.remove(code)
    else:
        exclusive = {c.code for c in step.choices if c.exclusive}
        # Picking "None of these" clears the rest, and picking anything clears it.
        draft = [code] if code in exclusive else [c for c in draft if c not in exclusive] + [code]
        if step.max_selected is not None and len(draft) > step.max_selected:
            return Outcome(state, message("too_many", lang, max=step.max_selected))
    return Outcome(state.model_copy(update={"draft": draft, "seq": state.seq + 1}))


def confirm(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Validate the selections of a multiple choice built by taps."""
    step = _current_step(flow, state)
    if not isinstance(step, MultipleChoiceStep):
        return Outcome(state, message("use_buttons", lang))
    draft = state.draft if state.draft is not None else _default_selection(state, step)
    if not draft and not step.required:
        return skip(flow, state, lang)
    return answer(flow, state, list(draft), lang)


def _default_selection(state: ResponseState, step: Step) -> list[str]:
    earlier = state.answers.get(step.id)
    if isinstance(step, RankingStep):
        return []
    return list(earlier) if isinstance(earlier, list) else []


def _current_step(flow: Flow, state: ResponseState) -> Step | None:
    if state.finished or state.current is None:
        return None
    try:
        return flow.step(state.current)
    except KeyError:
        return None


# --- showing ------------------------------------------------------------------


def prompt(flow: Flow, state: ResponseState, lang: str) -> Prompt | None:
    """What to show now, or None when the response is finished."""
    step = _current_step(flow, state)
    if step is None:
        return None
    shown, counted = _visibility(flow, state.answers)

    def piped(text: Text) -> str:
        return _pipe(flow, text, lang, counted, state.others)

    questions = [s for s in shown if not isinstance(s, InfoStep)]
    ids = [s.id for s in questions]
    labels = tuple(choice_labels(flow, step, lang))
    text = piped(step.text)
    if state.awaiting_other:
        chosen = dict(labels).get(OTHER, message("other", lang))
        text = f"{text}\n{message('specify', lang, label=chosen)}"
    earlier = state.answers.get(step.id)
    selected: tuple[str, ...] = ()
    if state.draft is not None:
        selected = tuple(state.draft)
    elif isinstance(earlier, list) and not isinstance(step, RankingStep):
        selected = tuple(earlier)
    elif earlier is not None and labels and not isinstance(step, RankingStep):
        selected = (str(earlier),)
    default = None
    if state.awaiting_other:
        default = state.others.get(step.id)
    elif earlier is not None and (not labels or isinstance(step, RankingStep)):
        # A ranking is rebuilt tap by tap; the earlier order is shown as text.
        default = display_value(flow, step, earlier, None, lang)
    extra: dict[str, object] = {}
    if isinstance(step, MultipleChoiceStep):
        extra["min_selected"] = step.min_selected or 1
        extra["max_selected"] = step.max_selected
        extra["exclusive"] = tuple(c.code for c in step.choices if c.exclusive)
    if isinstance(step, RankingStep):
        extra["needed"] = step.needed
    if isinstance(step, ScaleStep):
        extra["min_label"] = piped(step.min_label) if step.min_label else None
        extra["max_label"] = piped(step.max_label) if step.max_label else None
    if isinstance(step, NumberStep) and step.unit:
        extra["unit"] = flow.text(step.unit, lang)
    if isinstance(step, TextStep):
        extra["max_length"] = step.limit
    return Prompt(
        step_id=step.id,
        kind=step.type,
        section=flow.text(flow.section_of(step.id).title, lang),
        text=text,
        help=piped(step.help) if step.help and not state.awaiting_other else None,
        choices=() if state.awaiting_other else labels,
        selected=selected,
        default=default,
        position=ids.index(step.id) + 1 if step.id in ids else 0,
        total=len(questions),
        answered=sum(1 for i in ids if i in counted),
        can_back=bool({x.id for x in shown}.intersection(state.history)),
        can_skip=not step.required and not isinstance(step, InfoStep),
        awaiting_other=state.awaiting_other,
        seq=state.seq,
        **extra,  # type: ignore[arg-type]
    )


def pipe(flow: Flow, text: Text, lang: str, state: ResponseState) -> str:
    """The text in `lang` with `{question}` (or `{question|fallback}`) replaced by answers."""
    return _pipe(flow, text, lang, effective_answers(flow, state), state.others)


def _pipe(
    flow: Flow,
    text: Text,
    lang: str,
    counted: Mapping[str, AnswerValue],
    others: Mapping[str, str],
) -> str:
    raw = flow.text(text, lang)
    if "{" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        fallback = match.group(0)[len(name) + 2 : -1] if "|" in match.group(0) else ""
        if name not in counted:
            return fallback
        return display_value(flow, flow.step(name), counted[name], others.get(name), lang)

    return PIPE.sub(replace, raw)


def summary(flow: Flow, state: ResponseState, lang: str) -> list[tuple[str, str, str]]:
    """(question id, question text, answer as read) for every question shown."""
    counted = effective_answers(flow, state)
    rows = []
    for step in visible_steps(flow, state):
        if isinstance(step, InfoStep):
            continue
        if step.id in counted:
            shown = display_value(flow, step, counted[step.id], state.others.get(step.id), lang)
        else:
            shown = message("skipped", lang)
        rows.append((step.id, pipe(flow, step.text, lang, state), shown))
    return rows


def other_texts(flow: Flow, state: ResponseState) -> dict[str, str]:
    """The "Other" texts that count: only where the answer still includes "other"."""
    counted = effective_answers(flow, state)
    kept = {}
    for question, text in state.others.items():
        value = counted.get(question)
        picked = value if isinstance(value, list) else [value]
        if OTHER in picked:
            kept[question] = text
    return kept
