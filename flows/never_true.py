"""Conditions no answers can make true: the question or section they guard is never shown.

`all:` of `equals: yes` and `equals: no` on one question, `min: 10` in one part and
`max: 5` in another, `equals: 12` beside `not: {min: 10}`, or a question asked of
exporters only beside `exports` "no": each part is sound alone, and the whole hides
what it guards from everyone. Found by trying, for each question a condition names
(and those its questions are asked on), one answer of every kind the tests on it can
tell apart (no answer, each code named and another, each side of each bound) in
every combination.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flows.checks import DONT_KNOW, answer_codes
from flows.conditions import holds
from flows.model import (
    All,
    AnswerValue,
    AnyOf,
    Compare,
    Condition,
    Flow,
    MultipleChoiceStep,
    Not,
    NumberStep,
    RankingStep,
    ScaleStep,
    Step,
)
from flows.paths import Loc

MOST_TRIED = 20_000
"""Combinations tried at most; past this a condition is taken as possible (not reported)."""
_ABSENT = object()
"""No answer: the question skipped, hidden or not reached."""


def never_shown_warnings(flow: Flow, errors: Sequence[tuple[Loc, str]]) -> list[tuple[Loc, str]]:
    """Each question or section whose condition is never true. Warnings: such a question
    is dead, not harmful, and a flow already running must go on starting. Not said of a
    condition `errors` (`checks.check_flow`'s) already find fault with, nor of one true for
    some answers but not where a question it names, never shown or behind such a fault,
    would be asked: that is said once, where it starts."""
    faulted = [loc for loc, _ in errors]
    found: list[tuple[Loc, str]] = []
    earlier: dict[str, Step] = {}
    dead: set[str] = set()  # never shown, or behind a faulty condition
    for si, section in enumerate(flow.sections):
        where: Loc = ("sections", si, "show_if")
        section_dead, said = _judged(
            flow, section.show_if, where, earlier, "section", faulted, dead
        )
        found += said
        for qi, step in enumerate(section.steps):
            where = ("sections", si, "steps", qi, "show_if")
            step_dead, said = _judged(flow, step.show_if, where, earlier, "question", faulted, dead)
            found += said
            if section_dead or step_dead:
                dead.add(step.id)
            earlier.setdefault(step.id, step)
    return found


def _judged(
    flow: Flow,
    condition: Condition | None,
    loc: Loc,
    earlier: Mapping[str, Step],
    what: str,
    faulted: list[Loc],
    dead: set[str],
) -> tuple[bool, list[tuple[Loc, str]]]:
    """Whether what `condition` guards (a `what`, "question" or "section") is never shown or
    behind a fault, and the warning to say of it, if its own condition is the cause."""
    if condition is None:
        return False, []
    if any(fault[: len(loc)] == loc for fault in faulted):
        return True, []
    found = never_true(flow, condition, earlier)
    if found is None:
        return False, []
    if found.where_asked and any(atom.question in dead for atom in _atoms(condition)):
        # True for some answers, but not where a question never shown would be asked: its
        # cause is upstream, and said there. (Never true alone, the fault is its own.)
        return True, []
    named, where_asked = [f"'{name}'" for name in found.named], found.where_asked
    quoted = " and ".join([", ".join(named[:-1]), named[-1]]) if len(named) > 1 else named[0]
    given = (
        f", given when {'it is' if len(named) == 1 else 'they are'} asked" if where_asked else ""
    )
    return True, [
        (
            loc,
            f"no answers to {quoted} make this condition true{given}, so this {what} is never shown",
        )
    ]


@dataclass(frozen=True)
class NeverTrue:
    named: list[str]
    """The questions the condition names."""
    where_asked: bool
    """Some answers would make it true, but not where the questions they answer are asked."""


def never_true(flow: Flow, condition: Condition, earlier: Mapping[str, Step]) -> NeverTrue | None:
    """Whether no answers to the questions `condition` names make it true; None if some do.

    A question it names that is itself shown on a condition counts only where that one
    holds, as when respondents answer (`flows.state`): `all:` of `exports` "no" and a
    `markets` shown only to exporters is never true either. None too when that is not
    known: a question named is not an earlier one (reported apart), or there are too
    many combinations to try.
    """
    guards = _guards(flow)
    named = list(dict.fromkeys(atom.question for atom in _atoms(condition)))
    # The questions named, and those their conditions name, in flow order.
    names, atoms = _closure(named, guards, condition)
    tried = _all_tried(names, atoms, earlier)
    if tried is None:
        # Too many, with the questions their conditions name: the condition alone, each
        # answer counting. Never true so, it is never true where they are asked either.
        alone = list(named)
        tried = _all_tried(alone, list(_atoms(condition)), earlier)
        if tried is None or _met(condition, alone, tried, {}):
            return None
        return NeverTrue(named, False)
    if _met(condition, names, tried, {}):
        return None if _met(condition, names, tried, guards) else NeverTrue(named, True)
    return NeverTrue(named, False)


def _all_tried(
    names: list[str], atoms: list[Compare], earlier: Mapping[str, Step]
) -> list[list[object]] | None:
    """The answers to try for each of `names` (sorted in flow order, in place); None when
    one is not an earlier question (reported apart), or the combinations are too many."""
    if any(name not in earlier for name in names):
        return None
    order = {name: place for place, name in enumerate(earlier)}
    names.sort(key=order.__getitem__)
    tried = []
    for name in names:
        values = _tried(earlier[name], [a for a in atoms if a.question == name])
        if values is None:
            return None
        tried.append(values)
    return None if math.prod(len(values) for values in tried) > MOST_TRIED else tried


def _met(
    condition: Condition,
    names: list[str],
    tried: list[list[object]],
    guards: Mapping[str, list[Condition]],
) -> bool:
    """Whether some combination of the answers tried meets `condition`, an answer counting
    only where its question's `guards` hold."""
    for combination in itertools.product(*tried):
        answers: dict[str, Any] = {}
        for name, value in zip(names, combination, strict=True):
            if value is not _ABSENT and all(holds(g, answers) for g in guards.get(name, ())):
                answers[name] = value  # shown, so its answer counts
        if holds(condition, answers):
            return True
    return False


def _guards(flow: Flow) -> dict[str, list[Condition]]:
    """Each question's conditions to be shown: its section's and its own."""
    guards: dict[str, list[Condition]] = {}
    for section in flow.sections:
        for step in section.steps:
            own = [c for c in (section.show_if, step.show_if) if c is not None]
            guards.setdefault(step.id, own)
    return guards


def _closure(
    named: list[str], guards: Mapping[str, list[Condition]], condition: Condition
) -> tuple[list[str], list[Compare]]:
    """The questions `named` and those their guards name, with every test on them."""
    names, atoms = list(named), list(_atoms(condition))
    for name in names:  # grows as it goes
        for guard in guards.get(name, ()):
            for atom in _atoms(guard):
                atoms.append(atom)
                if atom.question not in names:
                    names.append(atom.question)
    return names, atoms


def _atoms(condition: Condition) -> Iterator[Compare]:
    if isinstance(condition, Not):
        yield from _atoms(condition.not_)
    elif isinstance(condition, All | AnyOf):
        for item in condition.all if isinstance(condition, All) else condition.any:
            yield from _atoms(item)
    else:
        yield condition


def _tried(step: Step, atoms: list[Compare]) -> list[object] | None:
    """No answer, and one answer of each kind the `atoms` on `step` can tell apart; None
    when they are too many to try (ticks among forty codes named are 2⁴⁰ sets)."""
    named = [str(v) for a in atoms for v in ([a.equals] if a.equals is not None else a.in_ or [])]
    if isinstance(step, NumberStep | ScaleStep):  # and texts named, a scale's "don't know"
        words = [v for v in named if _number(v) is None]
        if isinstance(step, ScaleStep) and step.dont_know:
            words.append(DONT_KNOW)  # answered, but none of the numbers: `answered` and `not`
        return [_ABSENT, *_numbers(atoms), *dict.fromkeys(words)]
    known = answer_codes(step)
    if known is None:  # a free text: the texts named, and another
        return [_ABSENT, *dict.fromkeys(named), "\x00 another text"]
    # Codes the condition does not name all act alike: one of them stands for the rest.
    unnamed = sorted(known - set(named))[:1]
    usable = [code for code in dict.fromkeys(named) if code in known] + unnamed
    if isinstance(step, MultipleChoiceStep | RankingStep):
        if 2 ** len(usable) > MOST_TRIED:
            return None
        subsets = itertools.chain.from_iterable(
            itertools.combinations(usable, size) for size in range(len(usable) + 1)
        )
        return [_ABSENT, *(list(subset) for subset in subsets)]
    return [_ABSENT, *usable]


def _numbers(atoms: list[Compare]) -> list[AnswerValue]:
    """Each bound and value named, one number between each two, and one beyond either end:
    a test on a number changes its verdict only at a bound, so these stand for them all."""
    bounds: list[float] = []
    exact: list[AnswerValue] = []  # a whole number past 2⁵³ is not its float
    for atom in atoms:
        named = [atom.equals] if atom.equals is not None else atom.in_ or []
        exact += [v for v in named if isinstance(v, int) and not isinstance(v, bool)]
        for value in [atom.min, atom.max, *named]:
            number = _number(value)  # "5" equals the answer 5 (as text)
            if number is not None:
                bounds.append(number)
    points = sorted({*bounds, 0})
    between = {(low + high) / 2 for low, high in itertools.pairwise(points)}
    # Beyond either end by at least 1, and by as much as the end itself: 1e16 + 1 is 1e16.
    low, high = points[0], points[-1]
    around = {*points, *between, low - max(1, abs(low)), high + max(1, abs(high))}
    # An answer 5 is an int, 5.5 a float: "5" equals the one, "5.0" the other.
    values: list[AnswerValue] = sorted(around)
    return values + [int(x) for x in values if isinstance(x, float) and x.is_integer()] + exact


def _number(value: object) -> float | None:
    """`value` as a finite float, if it is a number or a text of one; None otherwise (and
    for a whole number past what a float holds: 400 nines, which no answer reaches)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
