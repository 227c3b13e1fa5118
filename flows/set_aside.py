"""The checks a question set aside still gets: its texts' translations, its condition.

A question that does not fit the format (a choice code with a space, min above
max) is left out of the flow the cross-checks run on (`flows.repair`), its own
problem reported. Its other parts may be fine, or wrong in a way that can be
checked without the broken one: a text missing its English, a condition naming a
choice the question it looks at does not have. Read here from the file as
written, each part on its own, and checked as `flows.checks` checks a question
in the flow, so fixing the first problem does not reveal these. A part that does
not read (the broken one) is not checked.
"""

from __future__ import annotations

import functools
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from flows.checks import Found, condition_ok, pipes_ok, texts_ok
from flows.locations import child
from flows.model import Condition, Step, Text
from flows.paths import Loc
from flows.repair import Repaired

# A question's texts besides its choices' labels, as `flows.checks.step_texts` lists them.
TEXT_KEYS = ("text", "help", "placeholder", "unit", "min_label", "max_label", "other_label")
COMMON_KEYS = frozenset({"text", "help"})


def set_aside_checks(data: Any, repaired: Repaired) -> Found:
    """The problems of the questions (and choices) set aside that can be found without
    their broken part: at their places in the file."""
    found: Found = []
    removed = repaired.removed
    for loc in sorted(removed, key=_order):
        if len(loc) == 6 and loc[4] == "choices" and loc[:4] not in removed:
            label = _read(Text, child(_at(data, loc), "label"))
            if label is not None:
                found += texts_ok(repaired.flow, [((*loc, "label"), label)])
        if len(loc) != 4 or loc[2] != "steps" or loc[:2] in removed:
            continue
        step = _at(data, loc)
        if not isinstance(step, dict):
            continue
        earlier = _asked_before(repaired, loc)
        texts = list(_texts(step, loc))
        found += texts_ok(repaired.flow, texts)
        found += pipes_ok(repaired.flow, texts, earlier, repaired.unread)
        condition = _read(Condition, step.get("show_if"))
        if condition is not None:
            where: Loc = (*loc, "show_if")
            found += condition_ok(repaired.flow, condition, where, earlier, repaired.unread)
    return found


def _order(loc: Loc) -> tuple[str, ...]:
    return tuple(f"{part:08d}" if isinstance(part, int) else part for part in loc)


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = child(data, part)
    return data


def _asked_before(repaired: Repaired, loc: Loc) -> dict[str, Any]:
    """The questions of the flow checked that come before `loc` in the file, by id."""
    earlier: dict[str, Any] = {}
    for si, section in enumerate(repaired.flow.sections):
        for qi, step in enumerate(section.steps):
            at = repaired.original(("sections", si, "steps", qi))
            if (at[1], at[3]) < (loc[1], loc[3]):
                earlier.setdefault(step.id, step)
    return earlier


def _texts(step: dict[str, Any], loc: Loc) -> list[tuple[Loc, Text]]:
    """The texts of a question as written that read as texts, if its type has them (any
    type has a text and a help: they are checked whatever its type)."""
    model = _models().get(str(step.get("type")))
    keys = [
        key
        for key in TEXT_KEYS
        if key in COMMON_KEYS or (model is not None and key in model.model_fields)
    ]
    texts = [((*loc, key), _read(Text, step.get(key))) for key in keys]
    choices = step.get("choices")
    if model is not None and "choices" in model.model_fields and isinstance(choices, list):
        texts += [
            ((*loc, "choices", index, "label"), _read(Text, child(choice, "label")))
            for index, choice in enumerate(choices)
        ]
    return [(at, text) for at, text in texts if text is not None]


@functools.cache
def _models() -> dict[str, type[BaseModel]]:
    """Each step type's model, by the type's name."""
    return {
        str(kind.value): model
        for model in get_args(get_args(Step)[0])
        for kind in get_args(model.model_fields["type"].annotation)
    }


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _read(kind: Any, value: Any) -> Any:
    """`value` read as `kind` (a text, a condition), or None when it does not read."""
    if value is None:
        return None
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return None
