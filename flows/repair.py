"""Setting aside the parts of a flow file that do not fit the schema, to check the rest.

The loader reports every schema problem first; then it builds a flow from what
did parse (a question, a choice, a condition left out, a broken title replaced
by a placeholder) so that the cross-checks (ids, conditions, piping, lengths)
still run in the same pass, and fixing one problem does not reveal another.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from flows.locations import child, clean_loc
from flows.model import Flow
from flows.paths import Loc

# How many rounds of setting parts aside before giving up on the cross-checks.
MAX_REPAIRS = 20
TEXT_KEYS = frozenset({"intro", "consent", "outro"})


@dataclass(frozen=True)
class Repaired:
    """A flow built from the parts of a file that parsed, and how to find them in the file."""

    flow: Flow
    lists: dict[Loc, list[int]]
    """For each list that lost items: the original index of each item kept."""
    unread: frozenset[str]
    """The ids of the questions set aside."""
    removed: frozenset[Loc] = frozenset()
    """Where the parts set aside are in the file: questions, choices, conditions..."""

    def original(self, loc: Loc) -> Loc:
        """Where a loc of the repaired flow is in the file."""
        return original_loc(self.lists, loc)


def original_loc(lists: dict[Loc, list[int]], loc: Loc) -> Loc:
    found: list[int | str] = []
    for part in loc:
        kept = lists.get(tuple(found))
        if isinstance(part, int) and kept is not None and 0 <= part < len(kept):
            part = kept[part]
        found.append(part)
    return tuple(found)


def repaired_flow(data: Any) -> Repaired | None:
    """The flow without the questions (choices, conditions...) that do not fit the schema.

    Their problems are reported already; what is left is checked as usual. A
    question set aside is not reported again as unknown where others name it.
    None when what is wrong is too central to go on (the languages, the sections).
    """
    removed: set[Loc] = set()
    patched: dict[Loc, Any] = {}
    for _ in range(MAX_REPAIRS):
        lists: dict[Loc, list[int]] = {}
        rebuilt = _rebuilt(data, (), removed, patched, lists)
        try:
            flow = Flow.model_validate(rebuilt)
        except ValidationError as error:
            progress = False
            for details in error.errors():
                loc = original_loc(lists, clean_loc(rebuilt, details["loc"]))
                action = _set_aside(data, loc)
                if action is None:
                    return None
                target, value = action
                if target in removed or (target in patched and patched[target] == value):
                    continue
                progress = True
                if value is _REMOVE:
                    removed.add(target)
                else:
                    patched[target] = value
            if not progress:
                return None
            continue
        return Repaired(flow, lists, frozenset(_unread_ids(data, removed)), frozenset(removed))
    return None


_REMOVE = object()


def _set_aside(data: Any, loc: Loc) -> tuple[Loc, Any] | None:
    """What to remove (or replace) so that the part at `loc` no longer fails; None: give up."""
    if len(loc) >= 4 and loc[0] == "sections" and loc[2] == "steps":
        step, rest = loc[:4], loc[4:]
        if len(rest) >= 2 and rest[0] == "choices" and isinstance(rest[1], int):
            return loc[:6], _REMOVE
        if rest and rest[0] == "show_if":
            return (*step, "show_if"), _REMOVE
        return step, _REMOVE
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        section, rest = loc[:2], loc[2:]
        if rest and rest[0] == "show_if":
            return (*section, "show_if"), _REMOVE
        if rest and rest[0] == "id":
            return (*section, "id"), f"unreadable_section_{loc[1]}"
        if rest and rest[0] == "title":
            return (*section, "title"), _placeholder_text(data)
        return section, _REMOVE
    if len(loc) >= 1 and loc[0] in TEXT_KEYS:
        return loc[:1], _REMOVE
    if len(loc) >= 1 and loc[0] == "title":
        return loc[:1], _placeholder_text(data)
    if len(loc) >= 1 and loc[0] == "id":
        return loc[:1], "unreadable"
    if len(loc) >= 1 and loc[0] == "version":
        return loc[:1], 1
    if loc in (("language",), ("languages",)) and _languages(data):
        # A default language missing from `languages`: check the rest as if it were the first.
        return ("language",), _languages(data)[0]
    return None


def _languages(data: Any) -> list[str]:
    """The file's `languages` when it is a list of texts, else []."""
    languages = data.get("languages") if isinstance(data, dict) else None
    if isinstance(languages, list) and all(isinstance(lang, str) for lang in languages):
        return languages
    return []


def _placeholder_text(data: Any) -> Any:
    """A text in every language the file names, standing in for one that did not parse."""
    languages = _languages(data)
    return {lang: "…" for lang in languages} if languages else "…"


def _rebuilt(
    value: Any, loc: Loc, removed: set[Loc], patched: dict[Loc, Any], lists: dict[Loc, list[int]]
) -> Any:
    """A copy of `value` without the parts `removed`, with the parts `patched` replaced."""
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            at = (*loc, key)
            if at in removed:
                continue
            copy[key] = (
                patched[at] if at in patched else _rebuilt(item, at, removed, patched, lists)
            )
        return copy
    if isinstance(value, list):
        kept = [index for index in range(len(value)) if (*loc, index) not in removed]
        if len(kept) < len(value):
            lists[loc] = kept
        return [_rebuilt(value[i], (*loc, i), removed, patched, lists) for i in kept]
    return value


def _unread_ids(data: Any, removed: set[Loc]) -> Iterator[str]:
    """The ids of the questions set aside, whole or with their section."""
    for loc in removed:
        if loc[:1] != ("sections",) or len(loc) not in (2, 4):
            continue
        target = child(child(data, loc[0]), loc[1])
        steps = (
            [child(child(target, "steps"), loc[3])]
            if len(loc) == 4
            else (child(target, "steps") if isinstance(child(target, "steps"), list) else [])
        )
        for step in steps:
            if isinstance(step, dict) and isinstance(step.get("id"), str):
                yield step["id"]
