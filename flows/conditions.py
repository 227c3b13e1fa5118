"""Evaluating show-if conditions over the answers given so far."""

from __future__ import annotations

from collections.abc import Mapping

from flows.model import All, AnyOf, Compare, Condition, Not, Scalar
from flows.values import AnswerValue


def holds(condition: Condition, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether `condition` is true; a question not answered (or hidden) matches nothing."""
    if isinstance(condition, Not):
        return not holds(condition.not_, answers)
    if isinstance(condition, All):
        return all(holds(item, answers) for item in condition.all)
    if isinstance(condition, AnyOf):
        return any(holds(item, answers) for item in condition.any)
    return _compare(condition, answers)


def _compare(condition: Compare, answers: Mapping[str, AnswerValue]) -> bool:
    present = condition.question in answers
    if condition.answered is not None:
        return present == condition.answered
    if not present:
        return False
    value = answers[condition.question]
    given = value if isinstance(value, list) else [value]
    if condition.equals is not None:
        return any(_same(item, condition.equals) for item in given)
    if condition.in_ is not None:
        return any(_same(item, wanted) for item in given for wanted in condition.in_)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    low = condition.min if condition.min is not None else float("-inf")
    high = condition.max if condition.max is not None else float("inf")
    return low <= value <= high


def _same(value: Scalar, wanted: Scalar) -> bool:
    numbers = (int, float)
    if isinstance(value, numbers) and isinstance(wanted, numbers):
        return value == wanted
    return str(value) == str(wanted)
