"""Random respondents on the bundled questionnaire: they always get to the end, are shown
only questions their answers call for, and leave only valid answers behind; carried onto
a changed copy of the questionnaire, they keep only answers that still fit."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import flows
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    acknowledge,
    answer,
    answer_text,
    back,
    choose,
    confirm,
    effective_answers,
    other_texts,
    prompt,
    rebase,
    revise,
    skip,
    start,
    toggle,
    visible_steps,
)
from flows.checks import check_flow
from flows.conditions import holds
from flows.model import CodeStep, NumberStep
from flows.typed_text import clean_text
from flows.values import Invalid, check_value

# With warnings as errors, Hypothesis's failure report trips over this warning from
# mypy_extensions and pytest shows an INTERNALERROR instead of the falsifying example.
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)

FLOW: Flow = flows.load_flow(flows.bundled_path("questionnaire.yaml"))
# Wandering (answers, back, skip, nonsense; at the end, back or revise) lasts at most
# this many actions; then the respondent answers straight on and must reach the end
# within one answer per step, or two where "Other" asks for its text.
WANDERING = 30

TEXTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60
)
NONSENSE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "douze", "-1", "99999", "1e3", "nan", "x" * 5000, "9" * 5000, "\x00", "/back"]
    ),
)
NONSENSE_VALUE = st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.text(max_size=3)))
EMAIL_USER = st.from_regex(r"[a-z][a-z0-9._+]{0,10}", fullmatch=True)
MOVES = st.sampled_from(["answer", "answer", "answer", "back", "skip", "nonsense"])
AT_THE_END = st.sampled_from(["back", "revise", "stop"])


@functools.cache
def one_of(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """`sampled_from`, built once per set of options (building strategies is not free)."""
    return st.sampled_from(options)


def selections(shown: Prompt) -> st.SearchStrategy[list[str]]:
    """Selections a multiple choice accepts: some plain choices, or one exclusive alone."""
    return _selections(shown.choices, shown.exclusive, shown.min_selected, shown.max_selected)


@functools.cache
def _selections(
    choices: tuple[tuple[str, str], ...], exclusive: tuple[str, ...], least: int, most: int | None
) -> st.SearchStrategy[list[str]]:
    plain = [code for code, _ in choices if code not in exclusive]
    most = min(most or len(plain), len(plain))
    some = st.lists(st.sampled_from(plain), min_size=least, max_size=most, unique=True)
    if not exclusive:
        return some
    return st.one_of(some, st.sampled_from(exclusive).map(lambda code: [code]))


def numbers(flow: Flow, step_id: str) -> st.SearchStrategy[int]:
    step = flow.step(step_id)
    assert isinstance(step, NumberStep)
    low = int(step.min) if step.min is not None else -1000
    high = int(step.max) if step.max is not None else 100_000
    return _integers(low, high)


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def codes(shown: Prompt) -> tuple[str, ...]:
    return tuple(code for code, _ in shown.choices)


def check_screen(flow: Flow, state: ResponseState, lang: str) -> Prompt | None:
    """The prompt, after checking it shows a step the effective answers call for."""
    shown = prompt(flow, state, lang)
    assert (shown is None) == state.finished
    counted = effective_answers(flow, state)
    visible = {step.id for step in visible_steps(flow, state)}
    assert set(counted) <= visible
    if shown is None:
        return None
    assert shown.step_id in visible
    step = flow.step(shown.step_id)
    section = flow.section_of(shown.step_id)
    assert section.show_if is None or holds(section.show_if, counted)
    assert step.show_if is None or holds(step.show_if, counted)
    assert 0 <= shown.answered <= shown.total
    assert shown.position <= shown.total
    assert shown.seq == state.seq
    return shown


def valid_action(
    data: st.DataObject, flow: Flow, state: ResponseState, shown: Prompt, lang: str
) -> Outcome:
    """One action a cooperative respondent could take on this screen (not always accepted)."""
    if shown.kind == Kind.INFO:
        return acknowledge(flow, state, lang)
    if shown.awaiting_other:
        return answer_text(flow, state, data.draw(TEXTS, label="other text"), lang)
    if shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE):
        if shown.kind == Kind.YES_NO and data.draw(st.booleans(), label="type it"):
            typed = data.draw(one_of(("oui", "non", "yes", "no", "o", "N")), label="typed")
            return answer_text(flow, state, typed, lang)
        return choose(flow, state, data.draw(one_of(codes(shown)), label="choice"), lang)
    if shown.kind == Kind.MULTIPLE_CHOICE:
        if data.draw(st.booleans(), label="confirm now"):
            return confirm(flow, state, lang)
        return toggle(flow, state, data.draw(one_of(codes(shown)), label="toggle"), lang)
    if shown.kind == Kind.RANKING:
        return toggle(flow, state, data.draw(one_of(codes(shown)), label="rank"), lang)
    if shown.kind == Kind.NUMBER:
        number = data.draw(numbers(flow, shown.step_id), label="number")
        form = data.draw(one_of(("{}", "{:,}", "{} %", " {} ")), label="form")
        typed = form.format(number)
        return answer_text(flow, state, typed if lang == "en" else typed.replace(",", " "), lang)
    if shown.kind == Kind.EMAIL:
        user = data.draw(EMAIL_USER, label="user")
        return answer_text(flow, state, f"{user}@example.fr", lang)
    if shown.kind == Kind.CODE:
        return answer_text(flow, state, typed_code(data, flow, shown.step_id, lang), lang)
    return answer_text(flow, state, data.draw(TEXTS, label="text"), lang)


def typed_code(data: st.DataObject, flow: Flow, step_id: str, lang: str) -> str:
    """A code from the step's list as people type it: "45", "2a", or the name."""
    step = flow.step(step_id)
    assert isinstance(step, CodeStep)
    code = data.draw(one_of(tuple(step.codes)), label="code")
    name = flow.text(step.codes[code], lang)
    return data.draw(one_of((code, code.lower(), name)), label="typed code")


def full_answer(
    data: st.DataObject, flow: Flow, state: ResponseState, shown: Prompt, lang: str
) -> ResponseState:
    """Answer the screen completely: every action accepted, the step left behind."""
    moves: list[tuple[str, str]] = []
    if shown.awaiting_other:
        moves = [("type", data.draw(TEXTS, label="other text") + "!")]
    elif shown.kind == Kind.MULTIPLE_CHOICE:
        # Unselect what is there, select a set the step allows, confirm.
        picked = data.draw(selections(shown), label="selection")
        moves = [("toggle", code) for code in (*shown.selected, *picked)] + [("confirm", "")]
    elif shown.kind == Kind.RANKING:
        # A ranking starts from the taps made on this screen, not the earlier answer.
        ranked = data.draw(st.permutations(codes(shown)), label="ranking")[: shown.needed]
        moves = [("toggle", code) for code in (*(state.draft or []), *ranked)]
    elif shown.kind in (Kind.TEXT, Kind.LONG_TEXT):
        moves = [("type", data.draw(TEXTS, label="text") + "!")]
    for move, argument in moves:
        if move == "toggle":
            outcome = toggle(flow, state, argument, lang)
        elif move == "confirm":
            outcome = confirm(flow, state, lang)
        else:
            outcome = answer_text(flow, state, argument, lang)
        assert outcome.accepted, (state.current, move, argument, outcome.error)
        assert outcome.state.seq > state.seq
        state = outcome.state
    if moves:
        return state
    for _ in range(20):  # typed numbers, e-mails, choices: valid by construction
        outcome = valid_action(data, flow, state, shown, lang)
        if outcome.accepted:
            return outcome.state
        assert outcome.state == state
    raise AssertionError(f"no valid answer found for {shown.step_id}")


def nonsense_action(data: st.DataObject, flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Something a confused respondent (or a stale button) might send."""
    kind = data.draw(one_of(("type", "choose", "toggle", "confirm", "ack", "answer")))
    if kind == "type":
        return answer_text(flow, state, data.draw(NONSENSE_TEXT, label="typed"), lang)
    if kind == "choose":
        code = data.draw(one_of(("x", "7", "0", "yes", "other", "none")), label="code")
        return choose(flow, state, code, lang)
    if kind == "toggle":
        code = data.draw(one_of(("x", "none", "other", "eu")), label="code")
        return toggle(flow, state, code, lang)
    if kind == "confirm":
        return confirm(flow, state, lang)
    if kind == "ack":
        return acknowledge(flow, state, lang)
    return answer(flow, state, data.draw(NONSENSE_VALUE, label="value"), lang)


def wander(
    data: st.DataObject, flow: Flow, state: ResponseState, lang: str, budget: int
) -> ResponseState:
    """Random moves, sensible or not: answers, back, skip, nonsense; at the end, revise."""
    for _ in range(budget):
        shown = check_screen(flow, state, lang)
        before = state
        if shown is None:
            move = data.draw(AT_THE_END, label="at the end")
            if move == "stop":
                break
            if move == "back":
                state = back(flow, state)
            else:
                questions = tuple(s.id for s in visible_steps(flow, state) if s.type != Kind.INFO)
                revised = data.draw(one_of(questions), label="revised")
                state = revise(flow, state, revised)
                assert (state.current, state.finished) == (revised, False)
            assert state.seq > before.seq
            continue
        move = data.draw(MOVES, label="move")
        if move == "back":
            state = back(flow, state)
            assert state == before or state.seq > before.seq
            continue
        if move == "skip":
            outcome = skip(flow, state, lang)
        elif move == "nonsense":
            outcome = nonsense_action(data, flow, state, lang)
        else:
            outcome = valid_action(data, flow, state, shown, lang)
        if outcome.accepted:
            assert outcome.state.seq > before.seq
            stored = outcome.state.model_dump_json()
            assert ResponseState.model_validate_json(stored) == outcome.state
        else:
            assert outcome.state == before
            assert outcome.error
        state = outcome.state
    return state


def forward(data: st.DataObject, flow: Flow, state: ResponseState, lang: str) -> ResponseState:
    """Answer straight on (no back, no nonsense) and check the end comes in time."""
    bound = 2 * len(flow.steps())
    for _ in range(bound):
        shown = check_screen(flow, state, lang)
        if shown is None:
            return state
        before = state.current, state.awaiting_other
        state = full_answer(data, flow, state, shown, lang)
        assert (state.current, state.awaiting_other) != before, "an answer did not move on"
    raise AssertionError(f"not finished after {bound} answers; stuck on {state.current}")


def check_final(flow: Flow, state: ResponseState) -> None:
    assert state.finished
    assert ResponseState.model_validate_json(state.model_dump_json()) == state
    counted = effective_answers(flow, state)
    for step_id, value in counted.items():
        for lang in flow.languages:
            checked = check_value(flow, flow.step(step_id), value, lang)
            assert not isinstance(checked, Invalid), (step_id, value, checked)
            assert checked == value
    for step in visible_steps(flow, state):
        if step.required and step.type != Kind.INFO:
            assert step.id in counted, f"the required question {step.id} was never answered"
    for question, text in other_texts(flow, state).items():
        picked = counted[question]
        assert "other" in (picked if isinstance(picked, list) else [picked])
        assert text
        assert clean_text(text) == text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), lang=st.sampled_from(["fr", "en"]))
def test_random_respondents_finish_and_see_only_what_applies(
    data: st.DataObject, lang: str
) -> None:
    state = start(FLOW)
    # After the first round the response is finished: a second round goes back or revises.
    for _ in range(data.draw(st.integers(1, 2), label="rounds")):
        state = wander(data, FLOW, state, lang, data.draw(st.integers(0, WANDERING)))
        state = forward(data, FLOW, state, lang)
        check_final(FLOW, state)


# --- a new version of the questionnaire ----------------------------------------------

CHANGES = st.lists(
    st.sampled_from(
        [
            "remove_step",
            "remove_choice",
            "narrow",
            "add_step",
            "add_condition",
            "drop_other",
            "drop_dont_know",
        ]
    ),
    min_size=1,
    max_size=8,
)


def changed_copy(data: st.DataObject, flow: Flow, focus: list[str]) -> Flow:
    """A later version of `flow` as its organiser might write it: questions and choices
    removed, ranges narrowed, questions or conditions added, "Other" or "Don't know"
    withdrawn.

    Changes fall mostly on the steps in `focus`, first of all its first few, so that
    rebasing has something to do. Each is kept only if the flow still loads (a removed
    question or choice may be one that a condition or a piped name needs).
    """
    document = flow.model_dump(mode="json", by_alias=True, exclude_none=True)
    document["version"] += 1
    for index, change in enumerate(data.draw(CHANGES, label="changes")):
        candidate = copy.deepcopy(document)
        _change(data, candidate, change, f"added_{index}", focus)
        if _loads(candidate):
            document = candidate
            event(f"applied: {change}")
    return Flow.model_validate(document)


def _change(
    data: st.DataObject, document: dict[str, Any], change: str, new_id: str, focus: list[str]
) -> None:
    places = [(s["steps"], i) for s in document["sections"] for i in range(len(s["steps"]))]
    ids = [steps[at]["id"] for steps, at in places]
    focused = [ids.index(step_id) for step_id in focus if step_id in ids]
    where = st.integers(0, len(places) - 1)
    if focused:
        first = st.sampled_from(focused[:3])
        where = st.one_of(st.just(focused[0]), first, st.sampled_from(focused), where)
    place = data.draw(where, label="at")
    steps, at = places[place]
    if change == "remove_step":
        del steps[at]
    elif change == "add_step":
        text = {lang: f"{new_id}?" for lang in document["languages"]}
        required = data.draw(st.booleans(), label="required")
        steps.insert(at, {"id": new_id, "type": "text", "text": text, "required": required})
    elif change == "add_condition" and place > 0:
        earlier = data.draw(st.sampled_from(ids[:place]), label="on")
        condition = {"question": earlier, "answered": data.draw(st.booleans())}
        old = steps[at].get("show_if")
        steps[at]["show_if"] = condition if old is None else {"all": [old, condition]}
    else:
        _change_step(data, change, steps[at])


def _change_step(data: st.DataObject, change: str, step: dict[str, Any]) -> None:
    if change == "remove_choice" and "choices" in step:
        del step["choices"][data.draw(st.integers(0, len(step["choices"]) - 1), label="choice")]
    elif change == "narrow" and step["type"] == Kind.NUMBER:
        low = int(step.get("min", -1000))
        high = int(step.get("max", 100_000))
        step["min"] = data.draw(st.integers(low, high), label="min")
        step["max"] = data.draw(st.integers(step["min"], high), label="max")
    elif change == "narrow" and step["type"] == Kind.SCALE:
        step["max"] = data.draw(st.integers(2, step["max"]), label="max")
    elif change == "drop_other" and step.get("other"):
        step["other"] = False
    elif change == "drop_dont_know" and step.get("dont_know"):
        step["dont_know"] = False


def _loads(document: dict[str, Any]) -> bool:
    try:
        flow = Flow.model_validate(document)
    except ValidationError:
        return False
    return not check_flow(flow)


def check_rebased(flow: Flow, old: ResponseState, new: ResponseState, lang: str) -> None:
    """What `rebase` promises, whatever the flow and the state."""
    shown = prompt(flow, new, lang)  # never raises
    assert (shown is None) == new.finished == (new.current is None)
    if old.finished:
        assert new.finished
    visible = {step.id for step in visible_steps(flow, new)}
    assert new.current is None or new.current in visible
    assert {*new.skipped, *new.history} <= {step.id for step in flow.steps()}
    for step_id, value in new.answers.items():
        checked = check_value(flow, flow.step(step_id), value, lang)
        assert not isinstance(checked, Invalid), (step_id, value, checked)
        assert checked == value
    assert set(new.others) <= set(old.others)
    assert (new.draft, new.awaiting_other, new.seq) == (None, False, old.seq + 1)
    again = rebase(flow, new)
    assert again == new.model_copy(update={"seq": new.seq + 1}), "rebasing twice differs"
    assert ResponseState.model_validate_json(new.model_dump_json()) == new


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), lang=st.sampled_from(["fr", "en"]))
def test_a_response_carried_onto_a_new_version_keeps_what_fits_and_goes_on(
    data: st.DataObject, lang: str
) -> None:
    state = wander(data, FLOW, start(FLOW), lang, data.draw(st.integers(0, WANDERING)))
    if data.draw(st.booleans(), label="finish first"):
        state = forward(data, FLOW, state, lang)
    same = rebase(FLOW, state)
    check_rebased(FLOW, state, same, lang)
    assert same == state.model_copy(
        update={"draft": None, "awaiting_other": False, "seq": same.seq}
    )
    changed = changed_copy(
        data, FLOW, [*filter(None, [state.current]), *state.skipped, *state.answers]
    )
    rebased = rebase(changed, state)
    check_rebased(changed, state, rebased, lang)
    event(f"answers dropped: {len(state.answers) - len(rebased.answers) > 0}")
    event(f"unfinished, current moved: {not state.finished and rebased.current != state.current}")
    if not rebased.finished:
        check_final(changed, forward(data, changed, rebased, lang))
