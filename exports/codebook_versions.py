"""Codebook notes on what the flow versions held say differently about one question.

One column merges the answers of every version by question id, so what a
version asked decides what its rows hold: a condition added since leaves
older rows answered where the current file would have hidden the question; a
kind changed under the same id puts numbers beside codes; a scale asked from 1 to 5,
then from 0 to 10, puts a 5 that was its top beside a 5 that is its middle; a question added
since is empty on the rows of the versions before it. Each note is written
only when the versions held (`exports.history.FlowHistory`) differ: with one
version, the common case, the codebook reads as it always has. Here too:
conditions in words (`describe_condition`), as the codebook writes them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from exports.history import FlowHistory
from flows import Flow, Kind, Step, choice_labels

CHOICES: frozenset[str] = frozenset(
    {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.RANKING, Kind.YES_NO, Kind.SCALE}
)
KIND_WORDS: dict[str, str] = {
    Kind.TEXT: "a free text",
    Kind.LONG_TEXT: "a free text",
    Kind.EMAIL: "an e-mail address",
    Kind.CODE: "a code typed from a list",
    Kind.NUMBER: "a number",
    Kind.SINGLE_CHOICE: "a single choice",
    Kind.MULTIPLE_CHOICE: "a multiple choice",
    Kind.RANKING: "a ranking",
    Kind.YES_NO: "a yes/no question",
    Kind.SCALE: "a scale",
}


def when_empty(history: FlowHistory, flow: Flow, step: Step, *, long: bool = False) -> str:
    """When the question has no answer: hidden by a condition, or skipped.

    The conditions are `flow`'s (the version describing the column), unless the
    versions held that ask the question differ: then each version's, named.
    """
    otherwise = "no row otherwise" if long else "empty otherwise"
    by_condition = _conditions_by_version(history, step.id)
    parts = []
    # Wide: one cell per response, empty either way. Long: a hidden question has no row,
    # a skipped one a row with status skipped.
    if len(by_condition) > 1:
        shown = [
            f"shown only if {condition} ({_on(versions)})"
            for condition, versions in by_condition.items()
            if condition
        ]
        always = by_condition.get("")
        sentence = "; ".join(shown)
        parts.append(sentence[0].upper() + sentence[1:] + f", {otherwise}")
        if always:
            parts[-1] += f"; always shown on {_on(always)}"
        parts[-1] += "."
    elif conditions := _conditions(flow, step):
        parts.append("Shown only if " + " and ".join(conditions) + f"; {otherwise}.")
    if not step.required:
        skipped = "status skipped and value empty" if long else "empty"
        parts.append(f"Optional: {skipped} if skipped.")
    return " ".join(parts)


def kind_change_note(
    history: FlowHistory, step: Step, lang: str, *, holds_answer: bool = True
) -> str:
    """The versions held that asked the question as another kind, and what their rows hold.

    `holds_answer`: the column holds the answer itself (not one choice's 0/1 or rank),
    so it holds what those versions took too.
    """
    asked_as: dict[str, list[int]] = {}
    held: dict[str, str] = {}
    for flow in history.flows:
        other = _step_of(flow, step.id)
        if other is None or other.type == step.type:
            continue
        words = _asked_as(flow, other, lang)
        asked_as.setdefault(words, []).append(flow.version)
        held[words] = _held(flow, other, lang)
    notes = []
    for words, versions in asked_as.items():
        note = f"On {_on(versions)} this question was {words}, not {KIND_WORDS[step.type]}"
        notes.append(f"{note}: those rows hold {held[words]}." if holds_answer else f"{note}.")
    return " ".join(notes)


def range_change_note(history: FlowHistory, step: Step, lang: str) -> str:
    """The versions held that asked a scale or a number on other points: the same value then
    meant something else ("4" of 1 to 5 is not "4" of 0 to 10), version by version, oldest
    first: "On flow version 1 this scale went from 1 to 5; on version 2 from 0 to 10."

    A scale's ends (with their labels, where those differ), a number's bounds, unit and
    decimals (each where the versions differ on it). Versions asking another kind are
    `kind_change_note`'s."""
    if step.type not in (Kind.SCALE, Kind.NUMBER):
        return ""
    same_kind = [
        (flow, other)
        for flow in sorted(history.flows, key=lambda f: f.version)
        if (other := _step_of(flow, step.id)) is not None and other.type == step.type
    ]
    facets = [_points(flow, other, lang) for flow, other in same_kind]
    if len(set(facets)) < 2:
        return ""
    # Only what differs is said: the unit of a number whose bounds alone changed is not.
    differs = [len({facet[i] for facet in facets}) > 1 for i in range(len(facets[0]))]
    by_words: dict[str, list[int]] = {}
    for (flow, _), facet in zip(same_kind, facets, strict=True):
        words = _points_in_words(step.type, facet, differs)
        by_words.setdefault(words, []).append(flow.version)
    what = "scale" if step.type == Kind.SCALE else "number"
    parts: list[str] = []
    for words, versions in by_words.items():
        if not parts:
            verb = "went " if words.startswith("from") else "had "
            parts.append(f"On {_on(versions)} this {what} {verb}{words}")
        else:
            parts.append(f"on {_on(versions).removeprefix('flow ')} {words}")
    return "; ".join(parts) + ": each row's flow_version says which applies."


def _points(flow: Flow, step: Step, lang: str) -> tuple[str, ...]:
    """What a scale's or number's values mean on one version: (low, high, then a scale's end
    labels, or a number's unit and decimals), each in words."""
    low, high = getattr(step, "min", None), getattr(step, "max", None)
    if step.type == Kind.SCALE:
        labels = (getattr(step, "min_label", None), getattr(step, "max_label", None))
        ends = tuple(flow.text(label, lang) if label else "" for label in labels)
        return (bound(low, ""), bound(high, ""), *ends)
    unit = getattr(step, "unit", None)
    whole = "whole numbers" if getattr(step, "integer", True) else "decimals allowed"
    return (bound(low, ""), bound(high, ""), flow.text(unit, lang) if unit else "", whole)


def _points_in_words(kind: str, facet: tuple[str, ...], differs: Sequence[bool]) -> str:
    """One version's `_points` in words, saying only the facets where versions differ,
    and always the range: "from 1 (Pas du tout) to 5", "from 0 to 100 %", "no bounds"."""
    low, high, *rest = facet
    if kind == Kind.SCALE:
        labels = [f" ({label})" if label and differs[2 + i] else "" for i, label in enumerate(rest)]
        return f"from {low}{labels[0]} to {high}{labels[1]}"
    unit, whole = rest
    words = f"from {low or '-inf'} to {high or '+inf'}" if low or high else "no bounds"
    if differs[2]:
        words += f" {unit}" if unit else " without unit"
    if differs[3]:
        words += f", {whole}"
    return words


def not_asked_note(history: FlowHistory, question_id: str, *, long: bool = False) -> str:
    """The versions held that did not ask the question (added since, or left out a while)."""
    asking = history.asking_versions(question_id)
    missing = sorted(f.version for f in history.flows if f.version not in asking)
    if not missing or not asking:
        return ""
    if max(missing) < min(asking):
        rows = (
            "no row for earlier versions' responses" if long else "empty on earlier versions' rows"
        )
        return f"Not asked before flow version {min(asking)}: {rows}."
    rows = "no row for their responses" if long else "empty on their rows"
    return f"Not asked on {_on(missing)}: {rows}."


def _conditions_by_version(history: FlowHistory, question_id: str) -> dict[str, list[int]]:
    """The conditions in words ("" for none) -> the versions held asking the question under
    them, oldest first; the current file's first."""
    by_condition: dict[str, list[int]] = {}
    for flow in history.flows:
        step = _step_of(flow, question_id)
        if step is not None:
            condition = " and ".join(_conditions(flow, step))
            by_condition.setdefault(condition, []).insert(0, flow.version)
    return by_condition


def _conditions(flow: Flow, step: Step) -> list[str]:
    """The step's conditions in `flow`: its section's, then its own."""
    conditions = []
    lists = list_questions(flow)
    section = flow.section_of(step.id)
    if section.show_if is not None:
        conditions.append(describe_condition(section.show_if, lists))
    if step.show_if is not None:
        conditions.append(describe_condition(step.show_if, lists))
    return conditions


def _step_of(flow: Flow, question_id: str) -> Step | None:
    try:
        step = flow.step(question_id)
    except KeyError:
        return None
    return None if step.type == Kind.INFO else step


def _on(versions: Sequence[int]) -> str:
    plural = "s" if len(versions) > 1 else ""
    return f"flow version{plural} {', '.join(str(v) for v in sorted(versions))}"


def _asked_as(flow: Flow, step: Step, lang: str) -> str:
    """The kind a version asked the question as, in words: "a number (whole number, 1900
    to 2019)", "a single choice (a=A; b=B)"."""
    words = KIND_WORDS.get(step.type, str(step.type))
    if step.type == Kind.NUMBER:
        detail = "whole number" if getattr(step, "integer", True) else "decimals allowed"
        low, high = getattr(step, "min", None), getattr(step, "max", None)
        if low is not None or high is not None:
            detail += f", {bound(low, '-inf')} to {bound(high, '+inf')}"
        return f"{words} ({detail})"
    pairs = choice_labels(flow, step, lang)
    if pairs:
        return f"{words} ({label_list(pairs)})"
    return words


def label_list(pairs: Sequence[tuple[str, str | None]]) -> str:
    """A question's answers as the codebook lists them: `code=label` (a code alone where
    it has no label: a scale's inner points), joined by `; `. An item holding `;` or `"`
    (in its label: codes hold neither) is put between double quotes, a `"` in it doubled,
    so that the list reads as one line of a CSV file separated by `;`, each item then
    split at its first `=`: "Industrie; BTP=construction" invents no code `BTP`."""
    items = []
    for code, label in pairs:
        item = code if label is None else f"{code}={label}"
        if ";" in item or '"' in item:
            item = '"' + item.replace('"', '""') + '"'
        items.append(item)
    return "; ".join(items)


def _held(flow: Flow, step: Step, lang: str) -> str:
    """What a column holding the answer holds on that version's rows."""
    if step.type == Kind.NUMBER:
        return "the number typed, not a code"
    if step.type in CHOICES:
        return "that version's codes, as listed here"
    return "the text typed"


def list_questions(flow: Flow) -> frozenset[str]:
    """The questions answered with several codes: a condition on one tests for one code."""
    several = (Kind.MULTIPLE_CHOICE, Kind.RANKING)
    return frozenset(step.id for step in flow.steps() if step.type in several)


def bound(value: float | None, missing: str) -> str:
    if value is None:
        return missing
    return str(int(value)) if float(value).is_integer() else str(value)


def describe_condition(condition: Any, lists: Collection[str] = frozenset()) -> str:
    """A show-if condition in words: exports = yes and not (markets includes none).

    `lists` names the questions answered with several codes (multiple choice,
    ranking): a condition on one holds when the answer includes the code, which
    "=" would misstate.
    """
    if getattr(condition, "not_", None) is not None:
        return f"not ({describe_condition(condition.not_, lists)})"
    if getattr(condition, "all", None) is not None:
        return "(" + " and ".join(describe_condition(c, lists) for c in condition.all) + ")"
    if getattr(condition, "any", None) is not None:
        return "(" + " or ".join(describe_condition(c, lists) for c in condition.any) + ")"
    q = condition.question
    if condition.equals is not None:
        return f"{q} {'includes' if q in lists else '='} {condition.equals}"
    if condition.in_ is not None:
        values = ", ".join(str(v) for v in condition.in_)
        return f"{q} includes one of ({values})" if q in lists else f"{q} in ({values})"
    if condition.answered is not None:
        return f"{q} answered" if condition.answered else f"{q} not answered"
    low, high = condition.min, condition.max
    if low is not None and high is not None:
        return f"{bound(low, '')} <= {q} <= {bound(high, '')}"
    return f"{q} >= {bound(low, '')}" if low is not None else f"{q} <= {bound(high, '')}"
