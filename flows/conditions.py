"""Evaluating show-if conditions over the answers given so far."""

from __future__ import annotations

from collections.abc import Mapping, Set

from flows.model import All, AnswerValue, AnyOf, Compare, Condition, Not, Scalar


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


def may_hold(
    condition: Condition | None, answers: Mapping[str, AnswerValue], undecided: Set[str]
) -> bool | None:
    """Whether `condition` holds, or None when that depends on an `undecided` question.

    A question is undecided while it may still be asked and has no settled answer.
    None is returned only when some answers to those questions would make the
    condition true and others false (three-valued logic, as SQL's NULL): with no
    undecided question it is exactly `holds`.
    """
    if condition is None:
        return True
    if isinstance(condition, Not):
        inner = may_hold(condition.not_, answers, undecided)
        return None if inner is None else not inner
    if isinstance(condition, All | AnyOf):
        items = condition.all if isinstance(condition, All) else condition.any
        decisive = isinstance(condition, AnyOf)  # one true settles "any", one false "all"
        results = [may_hold(item, answers, undecided) for item in items]
        if decisive in results:
            return decisive
        return None if None in results else not decisive
    if condition.question in undecided:
        return None
    return _compare(condition, answers)
