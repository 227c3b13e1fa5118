"""Checks read from a flow file's data as written, before any part of it is set aside.

`flows.checks` sees only the parts that parsed: a question set aside for a
problem of its own (min above max, a choice code with a space) would hide its
other problems (an id or a choice code taken twice, a `min_selected` nobody can
reach) until that problem is fixed. Said here in `flows.checks`' words, at the
same places, so that a problem both see is reported once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flows.checks import Found
from flows.model import Kind
from flows.paths import Loc


def check_written(data: object) -> Found:
    """Ids and choice codes given twice, a `min_selected` no answer can reach, and an
    audience code that links would misread."""
    found: Found = _audience_ok(data)
    sections = data.get("sections") if isinstance(data, dict) else None
    seen: dict[str, set[str]] = {"section": set(), "question": set()}
    for si, section in enumerate(sections if isinstance(sections, list) else []):
        if not isinstance(section, dict):
            continue
        steps = section.get("steps")
        items = [(("sections", si), "section", section)] + [
            (("sections", si, "steps", qi), "question", step)
            for qi, step in enumerate(steps if isinstance(steps, list) else [])
        ]
        for loc, kind, item in items:
            if kind == "question" and isinstance(item, dict):
                found += _choice_codes_ok(item, loc) + _reach_ok(item, loc)
            key = item.get("id") if isinstance(item, dict) else None
            if not isinstance(key, str):
                continue
            if key in seen[kind]:
                found.append(((*loc, "id"), f"duplicate {kind} id '{key}'"))
            seen[kind].add(key)
    return found


def _audience_ok(data: object) -> Found:
    """An audience code holding "__": links join a workshop's code and the audience's with
    it (`pithiviers__entreprise`) and split at the last one, so `acteurs__locaux` would be
    read as the audience `locaux` of a workshop `pithiviers__acteurs`."""
    audience = data.get("audience") if isinstance(data, dict) else None
    code = audience.get("code") if isinstance(audience, dict) else None
    if not isinstance(code, str) or "__" not in code:
        return []
    said = f"audience code '{code}' holds '__', which joins a workshop's code and an "
    said += "audience's in links (pithiviers__entreprise): use single underscores"
    return [(("audience", "code"), said)]


def _choices(step: dict[str, Any]) -> list[Any]:
    choices = step.get("choices")
    return choices if isinstance(choices, list) else []


def _choice_codes_ok(step: dict[str, Any], loc: Loc) -> Found:
    found: Found = []
    codes: set[str] = set()
    for index, choice in enumerate(_choices(step)):
        code = choice.get("code") if isinstance(choice, dict) else None
        if not isinstance(code, str):
            continue
        if code in codes:
            found.append(((*loc, "choices", index, "code"), f"duplicate choice code '{code}'"))
        codes.add(code)
    return found


def _reach_ok(step: dict[str, Any], loc: Loc) -> Found:
    """A multiple choice asking for more answers than can be ticked together: an
    exclusive choice ("None of these") stands alone, so only the others and "Other"
    count; asking for more leaves the question unanswerable, or answerable by the
    exclusive choice alone."""
    least = step.get("min_selected")
    if step.get("type") != Kind.MULTIPLE_CHOICE.value or isinstance(least, bool):
        return []
    if not isinstance(least, int) or least <= 1:
        return []
    choices = _choices(step)
    alone = [
        str(choice.get("code"))
        for choice in choices
        if isinstance(choice, dict) and choice.get("exclusive") is True
    ]
    plain = len(choices) - len(alone)
    other = step.get("other") is True
    reach = plain + int(other)
    if least <= reach:
        return []
    parts = [f"{plain} choice{'' if plain == 1 else 's'}"] + (["'Other'"] if other else [])
    said = " and ".join(parts)
    if alone:
        named = ", ".join(f"'{code}'" for code in alone)
        said += f"; the exclusive {named} {'is' if len(alone) == 1 else 'are'} ticked alone"
        answer = f"only {' or '.join(repr(code) for code in alone)} could answer it"
    else:
        answer = "nobody could answer it"
    fix = f"lower min_selected to {reach} at most" if reach else "remove min_selected"
    return [
        (
            (*loc, "min_selected"),
            f"min_selected ({least}) is more than the {reach} answer{'' if reach == 1 else 's'} "
            f"that can be ticked together ({said}): {answer}; {fix}, or add choices",
        )
    ]


def check_stage_codes(
    codes: Sequence[str | None], line: Callable[[int], int | None] = lambda index: None
) -> Found:
    """Stage codes are unique, even ignoring case (people type them from posters).

    `codes` are read from the file as written, None standing for a stage without
    a usable code, so that a duplicate is reported alongside schema errors;
    `line(index)` says where the stage at `index` is, for the message of a later one.
    """
    found: Found = []
    seen: dict[str, int] = {}
    for index, code in enumerate(codes):
        if code is None:
            continue
        first = seen.setdefault(code.lower(), index)
        if first == index:
            continue
        at = line(first)
        said_where = f" (line {at})" if at is not None else ""
        if codes[first] == code:
            message = f"duplicate stage code '{code}'{said_where}"
        else:
            message = (
                f"code differs only by case from '{codes[first]}'{said_where}"
                ": links read codes whatever their case, so give each stage its own"
            )
        found.append((("stages", index, "code"), message))
    return found
