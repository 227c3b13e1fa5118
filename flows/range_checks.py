"""Checks of the ranges of a single choice's choices (`range: [min, max]`): a typed
count names one choice or none."""

from __future__ import annotations

from flows.model import Choice, MultipleChoiceStep, RankingStep, SingleChoiceStep
from flows.paths import Loc

Found = list[tuple[Loc, str]]


def ranges_ok(step: SingleChoiceStep | MultipleChoiceStep | RankingStep, loc: Loc) -> Found:
    """Ranges only on a single choice, and no number in two of them: a typed count
    names one choice or none."""
    found: Found = []
    earlier: list[Choice] = []
    for index, choice in enumerate(step.choices):
        if choice.range is None:
            continue
        rloc: Loc = (*loc, "choices", index, "range")
        if not isinstance(step, SingleChoiceStep):
            found.append((rloc, f"'range' only applies to single_choice, not {step.type}"))
            continue
        clash = next((other for other in earlier if _overlap(choice, other)), None)
        if clash is not None:
            found.append(
                (
                    rloc,
                    f"range {_shown(choice)} of '{choice.code}' overlaps range "
                    f"{_shown(clash)} of '{clash.code}': a typed number would name both",
                )
            )
        earlier.append(choice)
    return found


def _overlap(one: Choice, other: Choice) -> bool:
    assert one.range is not None and other.range is not None
    return one.holds(other.range[0]) or other.holds(one.range[0])


def _shown(choice: Choice) -> str:
    assert choice.range is not None
    low, high = choice.range
    return f"[{low}, {'null' if high is None else high}]"
