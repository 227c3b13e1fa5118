"""The engine's moves: what a respondent's action does to a response's state.

Pure functions of data: each takes the flow and a `ResponseState` (see
`flows.state`) and returns a new state, or an `Outcome` that says why the
action was refused in the respondent's language. A refused action leaves the
state as it was; an accepted one bumps `seq`, but for a tap that says what it sets
(`toggle` with `ticked`): a copy of the question's buttons stays valid while it is asked. The conversation service
(`conversation/`) calls these, stores the state, then asks
`flows.prompts.prompt(...)` what to show; no channel calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.messages import message
from flows.model import (
    AnswerValue,
    Flow,
    InfoStep,
    Kind,
    MultipleChoiceStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
    Step,
)
from flows.offers import asked_step
from flows.state import (
    ResponseState,
    answered_earlier,
    current_step,
    first_open,
    includes_other,
    next_open,
    next_visible,
    pending_choice,
    shown_steps,
)
from flows.typed_text import clean_text
from flows.values import (
    Invalid,
    check_value,
    choice_codes,
    choice_labels,
    goes_on,
    read_choice,
    too_long,
    typed_refusal,
)

OTHER_TEXT_LIMIT = 200


@dataclass(frozen=True)
class Outcome:
    """The result of a respondent's action: the new state, or why it was refused."""

    state: ResponseState
    error: str | None = None
    reason: str | None = None
    """The key of `error` in `flows.MESSAGES`, when it is one: a channel without buttons
    (the terminal) says "use the buttons" its own way."""
    near: tuple[str, ...] = ()
    """For a refused code, the codes it may have meant ("Corse": 2A, 2B): a channel with
    buttons offers them, one tap instead of typing again."""

    @property
    def accepted(self) -> bool:
        return self.error is None


def _refused(state: ResponseState, key: str, lang: str, **values: object) -> Outcome:
    return Outcome(state, message(key, lang, **values), reason=key)


# --- moving through the flow --------------------------------------------------


def start(flow: Flow) -> ResponseState:
    """A new response, on the first step that can be shown."""
    first = next_visible(flow, {}, after=None)
    return ResponseState(current=first, finished=first is None)


def _walked(history: list[str], step: str) -> list[str]:
    """The history with `step` as the latest step left, each step in it once.

    Back needs the path as last walked, not every visit: a step met again moves
    to the end rather than being added twice. The history then never holds more
    than the flow's steps, however often someone revises (appending made the
    stored state grow with every revision), and going forward never shortens one
    it wrote, which is how a turn tells an answer from a step back.
    """
    return [*(walked for walked in history if walked != step), step]


def _advance(flow: Flow, state: ResponseState) -> ResponseState:
    """Move past the current step once it is answered, skipped or read."""
    assert state.current is not None
    history = _walked(state.history, state.current)
    reviewing = state.reviewing
    if reviewing:  # on to what is still to be seen, not through the answers given
        following = next_open(flow, state, state.current, history)
    else:
        following = next_visible(flow, state.answers, after=state.current)
    if following is None:
        # Never end with a shown question left open: after going back out of a
        # revision, the question it opened may lie before the step just left.
        following = first_open(flow, state)
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


def back(flow: Flow, state: ResponseState) -> ResponseState:
    """Return to the previous step still shown; its answer stays as the default.

    From the "please specify" text of an "Other" choice, back is the choice itself, the
    answer stored unchanged: a single choice shows (and keeps on Enter) the answer stored,
    a multiple choice the boxes as they were ticked, to untick "Other" without ticking the
    others again; from a question reopened from the end ("Modifier"), the end again.
    """
    if state.awaiting_other and not state.finished:
        ticks = state.draft if isinstance(current_step(flow, state), MultipleChoiceStep) else None
        return state.model_copy(
            update={"awaiting_other": False, "draft": ticks, "seq": state.seq + 1}
        )
    if state.reviewing and not state.finished and first_open(flow, state) is None:
        # Reopened from the end, nothing left open: back is where the person came from,
        # the end, the answer unchanged (not the last question of the questionnaire).
        return state.model_copy(
            update={
                "current": None,
                "finished": True,
                "reviewing": False,
                "draft": None,
                "seq": state.seq + 1,
            }
        )
    shown = shown_steps(flow, state.answers).ids
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
    if step_id not in shown_steps(flow, state.answers).ids:
        return state
    history = _walked(state.history, state.current) if state.current else list(state.history)
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


def answer_again(flow: Flow, state: ResponseState, step_id: str, text: str, lang: str) -> Outcome:
    """A new typed answer to a question answered (or skipped) earlier, given in passing (a
    chat's reply to that question): the person stays at the question they were on, or at
    the end.

    Where the new answer opens a question (a branch) or asks for an "Other" text, that
    comes first, then the questions still open, as after a revision; the question they
    were on keeps its ticks and its way back. Refused: the state as it was."""
    if not answered_earlier(flow, state, step_id):
        return _refused(state, "not_answered", lang)
    outcome = answer_text(flow, revise(flow, state, step_id), text, lang)
    if not outcome.accepted:
        return Outcome(state, outcome.error, outcome.reason, outcome.near)
    after = outcome.state
    before_shown = shown_steps(flow, state.answers).ids
    opened = after.current is not None and after.current not in before_shown
    if after.awaiting_other or opened or not _still_there(flow, state, after):
        return outcome  # the "Other" text, a branch opened, or the question waiting hidden
    kept = {
        "current": state.current,
        "finished": state.finished,
        "history": state.history,
        "draft": state.draft,
        "awaiting_other": state.awaiting_other,
        "reviewing": state.reviewing,
    }
    return Outcome(after.model_copy(update=kept))


def _still_there(flow: Flow, state: ResponseState, after: ResponseState) -> bool:
    """Whether the place `state` was at (its question, or the end) is one `after` can be at:
    the question still shown, or the end with no question shown left open."""
    if state.current is None:
        return first_open(flow, after) is None
    return state.current in shown_steps(flow, after.answers).ids


def skip(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Leave an optional question unanswered (clearing an earlier answer)."""
    step = current_step(flow, state)
    if step is None:
        return _refused(state, "finished", lang)
    if step.required and not isinstance(step, InfoStep):
        # In the "please specify" box, the way out is back to the choices, not past them.
        return _refused(state, "other_required" if state.awaiting_other else "required", lang)
    answers = {k: v for k, v in state.answers.items() if k != step.id}
    others = {k: v for k, v in state.others.items() if k != step.id}
    skipped = [*state.skipped, step.id] if step.id not in state.skipped else state.skipped
    updated = state.model_copy(update={"answers": answers, "others": others, "skipped": skipped})
    return Outcome(_advance(flow, updated))


def acknowledge(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Go on from an information step."""
    step = current_step(flow, state)
    if step is None:
        return _refused(state, "finished", lang)
    if not isinstance(step, InfoStep):
        return _refused(state, "required", lang)
    return Outcome(_advance(flow, state))


# --- answering ----------------------------------------------------------------


def answer(flow: Flow, state: ResponseState, value: object, lang: str) -> Outcome:
    """Submit a whole answer to the current step (a code, codes, a number or a text)."""
    step = _asked(flow, state)
    if step is None:
        return _refused(state, "finished", lang)
    if isinstance(step, InfoStep):
        return acknowledge(flow, state, lang)
    checked = check_value(flow, step, value, lang)
    if isinstance(checked, Invalid):
        return Outcome(state, checked.message, near=checked.near)
    if includes_other(checked) and isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        # The free text is asked next; the choice waits for it (`flows.state.pending_choice`).
        draft = [str(code) for code in checked] if isinstance(checked, list) else [str(checked)]
        return Outcome(
            state.model_copy(update={"draft": draft, "awaiting_other": True, "seq": state.seq + 1})
        )
    return Outcome(_advance(flow, _kept(state, step, checked, other=None)))


def _kept(state: ResponseState, step: Step, value: AnswerValue, other: str | None) -> ResponseState:
    """`state` with `value` as the step's answer (and its "Other" text, if any)."""
    answers = {**state.answers, step.id: value}
    others = {k: v for k, v in state.others.items() if k != step.id}
    if other is not None:
        others[step.id] = other
    skipped = [s for s in state.skipped if s != step.id]
    return state.model_copy(update={"answers": answers, "others": others, "skipped": skipped})


def answer_text(flow: Flow, state: ResponseState, text: str, lang: str) -> Outcome:
    """A typed reply: the answer to a text question, the "Other" text, or a choice by name."""
    step = current_step(flow, state)
    if step is None:
        return _refused(state, "finished", lang)
    if state.awaiting_other:
        return _answer_other(flow, state, step, text, lang)
    if isinstance(step, InfoStep) and not goes_on(text):
        # "or Back to correct the answer before" only where there is one.
        first = shown_steps(flow, state.answers).ids.isdisjoint(state.history)
        return _refused(state, "info_typed_first" if first else "info_typed", lang)
    if isinstance(step, InfoStep):
        return acknowledge(flow, state, lang)
    if isinstance(step, SingleChoiceStep) or step.type in (Kind.YES_NO, Kind.SCALE):
        return _answer_by_name(flow, state, step, text, lang)
    if isinstance(step, MultipleChoiceStep | RankingStep):
        return _refused(state, "use_buttons", lang)
    return answer(flow, state, text, lang)


def _answer_by_name(flow: Flow, state: ResponseState, step: Step, text: str, lang: str) -> Outcome:
    """A choice typed rather than tapped: its code or label (or a number on a scale)."""
    code = read_choice(flow, step, text, lang)
    if code is None and step.type == Kind.SCALE:
        return answer(flow, state, text, lang)
    if code is None:
        key, text = typed_refusal(flow, step, lang)
        return Outcome(state, text, reason=key)
    value: object = int(code) if step.type == Kind.SCALE and code.isdigit() else code
    return answer(flow, state, value, lang)


def _answer_other(flow: Flow, state: ResponseState, step: Step, text: str, lang: str) -> Outcome:
    cleaned = clean_text(text)
    if not cleaned:
        return _refused(state, "empty", lang)
    if len(cleaned) > OTHER_TEXT_LIMIT:
        return Outcome(state, too_long(len(cleaned), OTHER_TEXT_LIMIT, lang), reason="too_long")
    return Outcome(_advance(flow, _kept(state, step, pending_choice(step, state), other=cleaned)))


def choose(flow: Flow, state: ResponseState, code: str, lang: str) -> Outcome:
    """A tap on one answer of a single choice, yes/no or scale question."""
    step = current_step(flow, state)
    if isinstance(step, ScaleStep) and code.isascii() and code.isdigit():  # not "²": int() fails
        return answer(flow, state, int(code), lang)
    return answer(flow, state, code, lang)


def toggle(
    flow: Flow, state: ResponseState, code: str, lang: str, ticked: bool | None = None
) -> Outcome:
    """A tap in a multiple choice (select/unselect) or a ranking (next rank/undo).

    `ticked` says what the tap sets: True ticks `code` (in a ranking, gives it the
    next rank), False unticks it (takes its rank back); what is so already stays as
    it is. Such a tap leaves `seq` as it was: the question's buttons, drawn before a
    quick second tap or on another device, still say what they mean (a double tap
    on a box leaves it ticked). Without `ticked` (buttons drawn before it existed), the
    tap turns the box over, and bumps `seq` so that a second copy of it is stale.
    """
    step = _asked(flow, state)
    if state.awaiting_other:  # the draft is the choice waiting for its text: not to change
        return _refused(state, "empty", lang)
    if not isinstance(step, MultipleChoiceStep | RankingStep):
        return _refused(state, "use_buttons", lang)
    if code not in dict(choice_labels(flow, step, lang)):
        return _refused(state, "unknown_choice", lang)
    draft = list(state.draft if state.draft is not None else _default_selection(state, step))
    if ticked is not None and (code in draft) == ticked:
        return Outcome(state)  # a second copy of a tap already made: nothing more to do
    seq = state.seq + 1 if ticked is None else state.seq
    if isinstance(step, RankingStep) and code not in draft and len(draft) >= step.needed:
        # A copy drawn before the order was full offers a next rank there is no room for.
        return _refused(state, "ranked_full", lang, count=step.needed)
    if isinstance(step, RankingStep):
        return Outcome(state.model_copy(update={"draft": _ranked(step, draft, code), "seq": seq}))
    return _select(state, step, draft, code, seq, lang)


def _ranked(step: RankingStep, draft: list[str], code: str) -> list[str]:
    """`code` given the next rank, or its rank taken back.

    A full order waits for "Valider", so that a mis-tap on the last rank can still be
    taken back; the one item left for the last rank of a whole ranking takes it.
    """
    if code in draft:
        return [c for c in draft if c != code]
    ranked = [*draft, code]
    left = [c for c in choice_codes(step) if c not in ranked]
    if len(ranked) == step.needed - 1 and len(left) == 1:
        ranked += left
    return ranked


def _select(
    state: ResponseState,
    step: MultipleChoiceStep,
    draft: list[str],
    code: str,
    seq: int,
    lang: str,
) -> Outcome:
    """Select `code` in a multiple choice, or unselect it."""
    if code in draft:
        draft.remove(code)
    else:
        exclusive = {c.code for c in step.choices if c.exclusive}
        # Picking "None of these" clears the rest, and picking anything clears it.
        draft = [code] if code in exclusive else [c for c in draft if c not in exclusive] + [code]
        if step.max_selected is not None and len(draft) > step.max_selected:
            many = "too_many_one" if step.max_selected == 1 else "too_many"
            return _refused(state, many, lang, max=step.max_selected)
    return Outcome(state.model_copy(update={"draft": draft, "seq": seq}))


def confirm(flow: Flow, state: ResponseState, lang: str) -> Outcome:
    """Validate the selections of a multiple choice, or the order of a ranking, built by taps."""
    step = _asked(flow, state)
    if state.awaiting_other:  # the choice is confirmed already: its text is asked
        return _refused(state, "empty", lang)
    if not isinstance(step, MultipleChoiceStep | RankingStep):
        return _refused(state, "use_buttons", lang)
    draft = state.draft if state.draft is not None else _default_selection(state, step)
    if not draft and not step.required:
        return skip(flow, state, lang)
    return answer(flow, state, list(draft), lang)


def _default_selection(state: ResponseState, step: Step) -> list[str]:
    """What taps start from: the earlier answer of a multiple choice; a ranking starts empty.

    Without the codes `step`, as asked, no longer offers: one left out since the
    earlier answer (`flows.offers`) could be neither seen nor unticked.
    """
    earlier = state.answers.get(step.id)
    if isinstance(step, RankingStep) or not isinstance(earlier, list):
        return []
    offered = choice_codes(step)
    return [code for code in earlier if code in offered]


def _asked(flow: Flow, state: ResponseState) -> Step | None:
    """The step on screen as asked: without the choices it leaves out (`flows.offers`)."""
    step = current_step(flow, state)
    return None if step is None else asked_step(flow, step, state.answers)
