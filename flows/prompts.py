"""What to show a respondent: the prompt for the current step, piped texts, the summary.

Read-only views of a `ResponseState` (see `flows.state`) in one language. A
`Prompt` is transport-neutral: Telegram, the terminal and the web chat each
render it their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flows.checks import OTHER
from flows.messages import message
from flows.model import (
    AnswerValue,
    CodeStep,
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
from flows.offers import left_out, still_offered, without
from flows.piping import fill
from flows.readback import display_value, piped_value
from flows.state import (
    ResponseState,
    could_be_asked,
    current_step,
    effective_answers,
    shown_steps,
    visible_steps,
)
from flows.values import choice_labels, ranged

Labels = tuple[tuple[str, str], ...]
CODE_TYPED_LIMIT = 60


@dataclass(frozen=True)
class Prompt:
    """What to show for the current step, for any transport to render."""

    step_id: str
    kind: Kind
    section: str
    text: str
    help: str | None
    choices: Labels
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
    counting: bool = False
    """A number question whose answers are whole and never negative: digits are enough."""
    ranged: bool = False
    """A single choice whose answers hold ranges of a count ("10 to 49"): a typed whole
    number ("12") answers too, with the choice whose range holds it (`flows.values.ranged`)."""
    earlier: AnswerValue | None = None
    """The earlier answer, for a channel that offers to keep it as it is: as stored, but
    without choices left out since (`flows.offers`), which could not be given again."""
    placeholder: str | None = None
    """A free text's example in its empty field ("Nom de l'entreprise"), for a channel with
    fields; never for the "Other, please specify" text."""
    columns: int | None = None
    """A choice's buttons per row on a phone, as its author set them (1–4); None: the
    channel decides (Telegram from the labels' lengths)."""
    other_text: str | None = None
    """The words given with the "Other" choice selected, for a channel to show beside it
    ("Autre secteur : Horlogerie"); None while they are asked again (`default` then)."""


@dataclass(frozen=True)
class _KindFields:
    """The prompt fields only some kinds of step fill in; the defaults are the Prompt's."""

    min_selected: int = 1
    max_selected: int | None = None
    exclusive: tuple[str, ...] = ()
    needed: int = 0
    min_label: str | None = None
    max_label: str | None = None
    unit: str | None = None
    max_length: int | None = None
    counting: bool = False
    ranged: bool = False
    placeholder: str | None = None
    columns: int | None = None


def prompt(flow: Flow, state: ResponseState, lang: str) -> Prompt | None:
    """What to show now, or None when the response is finished."""
    step = current_step(flow, state)
    if step is None:
        return None
    # Decided once per set of deciding answers (`flows.state.shown_steps`), shared below.
    shown = shown_steps(flow, state.answers)
    counted = {
        question: value for question, value in state.answers.items() if question in shown.ids
    }

    def piped(text: Text) -> str:
        return _pipe(flow, text, lang, counted, state.others)

    # Read from the answers every time, never cached with `shown`: what a question
    # offers depends on an answer that no condition need name (`flows.offers`).
    out = left_out(flow, step, state.answers)
    asked = without(step, out)
    labels = tuple(choice_labels(flow, asked, lang))
    extra = _kind_fields(flow, asked, lang, piped)
    earlier = still_offered(state.answers.get(step.id), out)
    return Prompt(
        step_id=step.id,
        kind=step.type,
        section=flow.text(flow.section_of(step.id).title, lang),
        text=_question_text(piped(step.text), state, labels, lang),
        help=piped(step.help) if step.help and not state.awaiting_other else None,
        choices=() if state.awaiting_other else labels,
        selected=_selected(state, step, labels, earlier),
        default=_default(flow, state, step, labels, lang),
        position=shown.numbers.get(step.id, 0),
        total=could_be_asked(flow, state),
        answered=sum(1 for question in shown.numbers if question in counted),
        can_back=not shown.ids.isdisjoint(state.history),
        can_skip=not step.required and not isinstance(step, InfoStep),
        awaiting_other=state.awaiting_other,
        seq=state.seq,
        min_selected=extra.min_selected,
        max_selected=extra.max_selected,
        exclusive=extra.exclusive,
        needed=extra.needed,
        min_label=extra.min_label,
        max_label=extra.max_label,
        unit=extra.unit,
        max_length=extra.max_length,
        counting=extra.counting,
        ranged=extra.ranged,
        earlier=earlier,
        placeholder=None if state.awaiting_other else extra.placeholder,
        columns=extra.columns,
        other_text=_other_text(state, step.id, earlier),
    )


def _other_text(state: ResponseState, step_id: str, earlier: AnswerValue | None) -> str | None:
    """The "Other" words of the answer offered again, if it holds "Other"."""
    chosen = earlier if isinstance(earlier, list) else [earlier]
    if state.awaiting_other or state.draft is not None or OTHER not in chosen:
        return None
    return state.others.get(step_id)


def _question_text(text: str, state: ResponseState, labels: Labels, lang: str) -> str:
    """The question, followed by "please specify" once its "Other" is chosen."""
    if not state.awaiting_other:
        return text
    chosen = dict(labels).get(OTHER, message("other", lang))
    if chosen == message("other", lang):  # "Autre (précisez)" says "précisez" already
        return f"{text}\n{message('specify_other', lang)}"
    return f"{text}\n{message('specify', lang, label=chosen)}"


def _selected(
    state: ResponseState, step: Step, labels: Labels, earlier: AnswerValue | None
) -> tuple[str, ...]:
    """The draft being tapped, or else the earlier answer to a choice as a default."""
    if state.draft is not None:
        return tuple(state.draft)
    if earlier is None or isinstance(step, RankingStep):
        return ()
    if isinstance(earlier, list):
        return tuple(earlier)
    return (str(earlier),) if labels else ()


def _default(flow: Flow, state: ResponseState, step: Step, labels: Labels, lang: str) -> str | None:
    """The earlier text to offer again: the "Other" text, or a typed answer as read."""
    if state.awaiting_other:
        return state.others.get(step.id)
    earlier = state.answers.get(step.id)
    if earlier is None or (labels and not isinstance(step, RankingStep)):
        return None
    # A ranking is rebuilt tap by tap; the earlier order is shown as text.
    return display_value(flow, step, earlier, None, lang)


def _kind_fields(flow: Flow, step: Step, lang: str, piped: Callable[[Text], str]) -> _KindFields:
    """What the step's kind adds to the prompt: bounds, a ranking's count, labels, a unit."""
    if isinstance(step, MultipleChoiceStep):
        return _KindFields(
            min_selected=step.min_selected or 1,
            max_selected=step.max_selected,
            exclusive=tuple(choice.code for choice in step.choices if choice.exclusive),
            columns=step.columns,
        )
    if isinstance(step, RankingStep):
        return _KindFields(needed=step.needed)
    if isinstance(step, SingleChoiceStep):
        return _KindFields(ranged=ranged(step), columns=step.columns)
    if isinstance(step, ScaleStep):
        return _KindFields(
            min_label=piped(step.min_label) if step.min_label else None,
            max_label=piped(step.max_label) if step.max_label else None,
        )
    if isinstance(step, NumberStep):
        return _KindFields(
            unit=flow.text(step.unit, lang) if step.unit else None,
            counting=step.integer and step.min is not None and step.min >= 0,
        )
    if isinstance(step, TextStep):
        placeholder = piped(step.placeholder) if step.placeholder else None
        return _KindFields(max_length=step.limit, placeholder=placeholder)
    if isinstance(step, CodeStep):
        # Room for a code or a name ("Alpes-de-Haute-Provence"), or both as read back.
        return _KindFields(max_length=CODE_TYPED_LIMIT)
    return _KindFields()


# --- piped texts, the summary -------------------------------------------------


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
    def answer_as_read(question: str) -> str | None:
        if question not in counted:
            return None
        step = flow.step(question)
        return piped_value(flow, step, counted[question], others.get(question), lang)

    return fill(flow.text(text, lang), answer_as_read, french=lang == "fr")


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
