"""A response's state, what of it counts under a flow, and carrying it onto a new version.

The state is plain data that round-trips through JSON. Which steps are shown
and which answers count are computed from it and the flow, never stored: a
changed answer can hide later questions, and restoring it brings them back.
What is shown depends only on the answers to the questions conditions name, so
it is decided once per set of those answers and reused (`shown_steps`).
The moves that change a state are in `flows.engine`; what to show is in
`flows.prompts`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from flows.checks import DONT_KNOW, OTHER
from flows.conditions import holds, may_hold
from flows.model import All, AnswerValue, AnyOf, Condition, Flow, InfoStep, Kind, Not, Step
from flows.values import Invalid, check_value


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
    """Selections of a multiple choice or ranking being built by taps; or, while
    `awaiting_other`, the choice that waits for its text."""
    awaiting_other: bool = False
    """The current question's "Other" was chosen; its text is asked next."""
    reviewing: bool = False
    """After this step, the first question still open (the end if none), not the next one:
    changing one answer after finishing, or a question a new version of the flow asks
    before the answers already given (`rebase`)."""
    finished: bool = False
    seq: int = 0
    """Bumped at every change, so a transport can tell a stale button from a fresh one."""


# --- what counts --------------------------------------------------------------


def visible_steps(flow: Flow, state: ResponseState) -> list[Step]:
    """The steps shown given the answers so far, in order."""
    return list(shown_steps(flow, state.answers).steps)


def effective_answers(flow: Flow, state: ResponseState) -> dict[str, AnswerValue]:
    """The answers that count: those to steps still shown."""
    return _counted(shown_steps(flow, state.answers), state.answers)


def other_texts(flow: Flow, state: ResponseState) -> dict[str, str]:
    """The "Other" texts that count: only where the answer still includes "other"."""
    if not state.others:
        return {}  # the usual case, without working out what counts
    counted = effective_answers(flow, state)
    return {
        question: text
        for question, text in state.others.items()
        if question in counted and includes_other(counted[question])
    }


def without_hidden_personal(flow: Flow, state: ResponseState) -> ResponseState:
    """`state` without its answers to personal questions no longer shown, as it is stored.

    Other hidden answers are kept, to come back if the answer that hid them is changed
    back; a personal one (an e-mail address given, then "no, do not contact me") is
    forgotten: the person took it back, and it would stay out of the exports and of their
    data copy, which read the answers that count.
    """
    personal = [q for q in state.answers if q in _plan(flow).personal]
    if not personal:
        return state  # the usual case, without working out what is shown
    shown = shown_steps(flow, state.answers).ids
    hidden = {question for question in personal if question not in shown}
    if not hidden:
        return state
    return state.model_copy(
        update={
            "answers": {q: v for q, v in state.answers.items() if q not in hidden},
            "others": {q: v for q, v in state.others.items() if q not in hidden},
        }
    )


def pending_choice(step: Step, state: ResponseState) -> AnswerValue:
    """The choice that waits for its "Other" text, as it will be stored.

    It waits in the draft, as ticks wait for "Confirm", so that going back from the
    text leaves the earlier answer as it was. States saved before kept it in the
    answers already: read there when there is no draft.
    """
    multiple = step.type == Kind.MULTIPLE_CHOICE
    if state.draft:
        return list(state.draft) if multiple else state.draft[0]
    return state.answers.get(step.id) or ([OTHER] if multiple else OTHER)


def includes_other(value: AnswerValue) -> bool:
    """Whether an answer is, or includes, the "Other, please specify" choice."""
    return OTHER in value if isinstance(value, list) else value == OTHER


def visibility(
    flow: Flow, answers: Mapping[str, AnswerValue]
) -> tuple[list[Step], dict[str, AnswerValue]]:
    """The steps shown and the answers that count, computed together in one pass."""
    shown = shown_steps(flow, answers)
    return list(shown.steps), _counted(shown, answers)


def _counted(shown: Shown, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    return {step.id: answers[step.id] for step in shown.steps if step.id in answers}


def next_visible(flow: Flow, answers: Mapping[str, AnswerValue], after: str | None) -> str | None:
    """The first step shown after `after` (from the start when None), if any."""
    place = _plan(flow).place
    start_at = place[after] if after is not None else -1
    return next(
        (step.id for step in shown_steps(flow, answers).steps if place[step.id] > start_at), None
    )


# --- what is shown, decided once per set of the answers conditions read ----------


@dataclass(frozen=True, slots=True)
class Shown:
    """The steps shown for some answers, with what every prompt asks of them."""

    steps: tuple[Step, ...]
    """In flow order."""
    ids: frozenset[str]
    numbers: Mapping[str, int]
    """Each question's 1-based place among the questions shown (information steps have none)."""


def shown_steps(flow: Flow, answers: Mapping[str, AnswerValue]) -> Shown:
    """The steps shown given `answers`, decided once per answers to what conditions read."""
    plan = _plan(flow)
    key = tuple([_frozen(answers.get(question, _ABSENT)) for question in plan.deciding])
    shown = plan.decided.get(key)
    if shown is None:
        if len(plan.decided) >= _DECIDED_PER_FLOW:
            plan.decided.clear()  # free numbers in conditions could grow it without end
            plan.distinct.clear()
        walked = _walk(flow, answers)
        # Thousands of answer sets show a few dozen sets of steps: they share one
        # `Shown` (a few KB), so a cache entry costs its key, not a copy each.
        shown = plan.decided[key] = plan.distinct.setdefault(walked.ids, walked)
    return shown


def _walk(flow: Flow, answers: Mapping[str, AnswerValue]) -> Shown:
    """The steps shown, found by evaluating every condition in flow order (no cache)."""
    # In flow order: conditions only look at earlier questions, so a hidden
    # question's answer never reaches a later condition.
    steps: list[Step] = []
    counted: dict[str, AnswerValue] = {}
    for section in flow.sections:
        if section.show_if is not None and not holds(section.show_if, counted):
            continue
        for step in section.steps:
            if step.show_if is None or holds(step.show_if, counted):
                steps.append(step)
                if step.id in answers:
                    counted[step.id] = answers[step.id]
    questions = [step.id for step in steps if not isinstance(step, InfoStep)]
    return Shown(
        steps=tuple(steps),
        ids=frozenset(step.id for step in steps),
        numbers={question: number for number, question in enumerate(questions, 1)},
    )


def could_be_asked(flow: Flow, state: ResponseState) -> int:
    """How many questions are asked or may yet be: the total a progress shows ("7/45").

    Counting only the questions shown so far made the total grow as the respondent
    went on (34, then 40, then 45): each answer revealed more. A question whose
    condition is still undecided counts, so the total only falls, as answers rule
    branches out. Decided once per deciding answers, as `shown_steps` is, and
    whether each unanswered one was skipped (a settled absence).
    """
    plan = _plan(flow)
    skipped = frozenset(state.skipped)
    key = tuple(
        [
            _SKIPPED
            if question in skipped and question not in state.answers
            else _frozen(state.answers.get(question, _ABSENT))
            for question in plan.deciding
        ]
    )
    total = plan.totals.get(key)
    if total is None:
        if len(plan.totals) >= _DECIDED_PER_FLOW:
            plan.totals.clear()
        total = plan.totals[key] = _count_possible(flow, state.answers, skipped)
    return total


def _count_possible(flow: Flow, answers: Mapping[str, AnswerValue], skipped: Set[str]) -> int:
    """The questions not ruled out by the answers so far, in flow order (no cache)."""
    known: dict[str, AnswerValue] = {}
    undecided: set[str] = set()
    count = 0
    for section in flow.sections:
        in_section = may_hold(section.show_if, known, undecided)
        if in_section is False:
            continue
        for step in section.steps:
            seen = may_hold(step.show_if, known, undecided)
            if seen is False or isinstance(step, InfoStep):
                continue
            count += 1
            if in_section is None or seen is None:
                undecided.add(step.id)  # may not be asked: its answer, if any, may not count
            elif step.id in answers:
                known[step.id] = answers[step.id]
            elif step.id not in skipped:
                undecided.add(step.id)  # asked, not answered yet
    return count


_DECIDED_PER_FLOW = 4096
"""Sets of deciding answers remembered per flow; past this the cache starts afresh."""
_ABSENT = object()
"""A question not answered, in a key: unlike None, no stored value can be it."""
_SKIPPED = object()
"""A question left unanswered on purpose, in a key: unlike _ABSENT, settled."""


def _frozen(value: object) -> object:
    """An answer as part of a cache key: hashable, and typed, since `1`, `1.0` and `True`
    are equal in Python but not to a condition (`"1"` and `"1.0"` compare differently)."""
    if isinstance(value, list):
        return (list, *map(_frozen, value))
    return (type(value), value)


@dataclass
class _Plan:
    """What one flow's caches need: each step's place, and the questions conditions read."""

    flow: weakref.ref[Flow]
    place: dict[str, int]
    deciding: tuple[str, ...]
    decided: dict[tuple[object, ...], Shown]
    distinct: dict[frozenset[str], Shown]
    totals: dict[tuple[object, ...], int]
    personal: frozenset[str]
    """The questions marked `personal: true`."""


# By id(flow), checked against a weak reference: a Flow (a frozen model holding
# lists) is not hashable, and a flow no longer used must not be kept alive here.
_PLANS: dict[int, _Plan] = {}


def _plan(flow: Flow) -> _Plan:
    plan = _PLANS.get(id(flow))
    if plan is None or plan.flow() is not flow:
        plan = _PLANS[id(flow)] = _new_plan(flow)
        weakref.finalize(flow, _PLANS.pop, id(flow), None)
    return plan


def _new_plan(flow: Flow) -> _Plan:
    """A flow's plan with nothing decided yet (the tests use one per call: no cache)."""
    place: dict[str, int] = {}
    for index, step in enumerate(flow.steps()):
        place.setdefault(step.id, index)
    personal = frozenset(step.id for step in flow.steps() if step.personal)
    return _Plan(weakref.ref(flow), place, deciding_questions(flow), {}, {}, {}, personal)


def deciding_questions(flow: Flow) -> tuple[str, ...]:
    """The questions whose answers decide what is shown: every one a condition names."""
    conditions = [section.show_if for section in flow.sections] + [
        step.show_if for step in flow.steps()
    ]
    named = {question for condition in conditions for question in _named(condition)}
    return tuple(sorted(named))


def _named(condition: Condition | None) -> Iterator[str]:
    if condition is None:
        return
    if isinstance(condition, Not):
        yield from _named(condition.not_)
    elif isinstance(condition, All | AnyOf):
        for item in condition.all if isinstance(condition, All) else condition.any:
            yield from _named(item)
    else:
        yield condition.question


def first_open(flow: Flow, state: ResponseState) -> str | None:
    """The first shown question with neither an answer nor a skip."""
    for step in shown_steps(flow, state.answers).steps:
        if isinstance(step, InfoStep):
            continue
        if step.id not in state.answers and step.id not in state.skipped:
            return step.id
    return None


def answered_earlier(flow: Flow, state: ResponseState, step_id: str) -> bool:
    """Whether `step_id` is a question shown, answered or skipped, not the one waiting."""
    if step_id == state.current or step_id not in shown_steps(flow, state.answers).ids:
        return False
    return step_id in state.answers or step_id in state.skipped


def next_open(flow: Flow, state: ResponseState, after: str, seen: Sequence[str]) -> str | None:
    """The first step shown after `after` still to be seen: a question with neither an
    answer nor a skip, or an information step not in `seen` (a section's introduction
    that a new version of the flow or a revision's new branch puts ahead)."""
    place = _plan(flow).place
    for step in shown_steps(flow, state.answers).steps:
        if place[step.id] <= place[after]:
            continue
        if isinstance(step, InfoStep):
            if step.id not in seen:
                return step.id
        elif step.id not in state.answers and step.id not in state.skipped:
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


def rebase(flow: Flow, state: ResponseState, before: Flow | None = None) -> ResponseState:
    """Carry a state saved under another version of a flow onto `flow`, keeping what fits.

    An answer stays when its question still exists and accepts it, and, in an unfinished
    response saved under `before` (the version it was saved under, when known), when
    its question still means what it meant: a 4 given on a scale from 1 to 5 is not a 4
    on one from 0 to 10, nor 12 employees 12 thousand, so such an answer is asked again
    (`meaning_changed`); a finished response keeps it as given. "Other" texts
    stay with the answers that still include "other"; skips and history keep the
    steps that still exist, and a skip stays only where skipping is still allowed. A finished response stays finished. An unfinished one
    stays on its step if that is still shown, or else moves to the first open
    question, or finishes when none is left. `seq` rises, so old buttons are stale.
    """
    answers = _fitting_answers(flow, state.answers)
    if before is not None and not state.finished and state.current is not None:
        changed = meaning_changed(before, flow)
        answers = {q: v for q, v in answers.items() if q not in changed or v == DONT_KNOW}
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
    shown = shown_steps(flow, kept.answers).ids
    current: str | None
    if state.current in shown:
        current, reviewing = state.current, state.reviewing
    else:
        # Moved to the first open question, perhaps back over answered ones: from there,
        # on to the next open one each time, not through every answer given (reviewing).
        current = first_open(flow, kept)
        reviewing = current is not None
    return kept.model_copy(
        update={"current": current, "finished": current is None, "reviewing": reviewing}
    )


def meaning_changed(before: Flow, flow: Flow) -> frozenset[str]:
    """The questions both versions ask as the same kind whose answers no longer mean the
    same: a scale whose lowest or highest point moved, a number whose unit changed. (A kind
    changed is left to the value: kept where the new kind takes it, a text as a long text.)
    `rebase` keeps a "don't know", which still means it."""
    changed: set[str] = set()
    for step in flow.steps():
        try:
            old = before.step(step.id)
        except KeyError:
            continue
        if old.type != step.type:
            continue
        if step.type == Kind.SCALE:
            moved = (getattr(old, "min", None), getattr(old, "max", None)) != (
                getattr(step, "min", None),
                getattr(step, "max", None),
            )
        elif step.type == Kind.NUMBER:
            moved = _unit_said(before, old) != _unit_said(flow, step)
        else:
            continue
        if moved:
            changed.add(step.id)
    return frozenset(changed)


def _unit_said(flow: Flow, step: Step) -> str | None:
    """A number's unit in the flow's own language: a unit only given a translation
    (`salariés` becoming `{fr: salariés, en: employees}`) still means the same."""
    unit = getattr(step, "unit", None)
    return None if unit is None else flow.text(unit, flow.language).strip().casefold()


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
