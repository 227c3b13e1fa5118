"""What a choice question offers now: its choices, less those chosen in an earlier one.

`except_chosen_in: innov_barrier_main` on a question leaves out of its choices
the codes answered to that earlier question, so "up to 2 more" after "the main
one" cannot name the main one a second time. The answer counts only while that
question is shown, as for a condition. Its "Other" (each has its own text) and
its exclusive choices ("None of these") are always offered.

What a question offers is read from the answers at every call. It depends on an
answer no condition need name, so it is not part of what `flows.state.shown_steps`
decides and caches once per set of deciding answers (which steps are shown, never
their choices). Asking goes through `asked_step` (the prompt, a tap, an answer
submitted); reading an answer back (the summary, exports) uses the whole step,
so an answer given before the earlier one changed still reads as it was given.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows.checks import OTHER
from flows.model import AnswerValue, Flow, MultipleChoiceStep, SingleChoiceStep, Step
from flows.state import shown_steps


def left_out(flow: Flow, step: Step, answers: Mapping[str, AnswerValue]) -> frozenset[str]:
    """The codes `step` does not offer given `answers`: those chosen where it says."""
    if not isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        return frozenset()
    named = step.except_chosen_in
    if named is None or named not in answers:
        return frozenset()
    if named not in shown_steps(flow, answers).ids:
        return frozenset()  # a hidden question's answer does not count
    value = answers[named]
    chosen = set(value) if isinstance(value, list) else {str(value)}
    return frozenset(
        choice.code
        for choice in step.choices
        if choice.code in chosen and not choice.exclusive and choice.code != OTHER
    )


def without(step: Step, out: frozenset[str]) -> Step:
    """`step` as asked with the codes `out` left out.

    A multiple choice asking for at least N asks for no more than is left to pick
    (exclusive choices aside: they stand alone), so a respondent is never stuck.
    """
    if not out or not isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        return step
    choices = [choice for choice in step.choices if choice.code not in out]
    if isinstance(step, MultipleChoiceStep) and step.min_selected is not None:
        open_ = sum(not choice.exclusive for choice in choices) + int(step.other)
        least = max(1, min(step.min_selected, open_))
        return step.model_copy(update={"choices": choices, "min_selected": least})
    return step.model_copy(update={"choices": choices})


def asked_step(flow: Flow, step: Step, answers: Mapping[str, AnswerValue]) -> Step:
    """`step` as it is asked given `answers`: only the choices it offers now."""
    return without(step, left_out(flow, step, answers))


def still_offered(value: AnswerValue | None, out: frozenset[str]) -> AnswerValue | None:
    """An earlier answer to offer again, without the codes left out since; None if none left.

    The stored answer is kept as given until the question is answered again; only
    what is ticked (and what Enter keeps in the terminal) drops the codes no
    longer offered, so confirming it cannot be refused for a choice not shown.
    """
    if not out or value is None:
        return value
    if isinstance(value, list):
        kept = [code for code in value if code not in out]
        return kept or None
    return None if str(value) in out else value
