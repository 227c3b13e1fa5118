"""Rows of the export, one batch of responses at a time, as columns of plain cells.

A table is a dict from column name to a list of cells: `str`, `int`, `float`
or None (empty). Times are left as stored; the writers format them. Building
columns with comprehensions over a batch keeps the work per answer small and
the memory bounded by the batch, whatever the size of the export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from exports.columns import Column, Role
from exports.history import FlowHistory
from exports.options import ExportOptions
from flows import AnswerValue, Flow, Kind, ResponseState, visible_steps
from storage import ResponseBatch

Value = str | int | float | None
Table = dict[str, list[Value]]

ANSWERED: Final = "answered"
SKIPPED: Final = "skipped"
JOIN: Final = ";"


class Labels:
    """Choice labels in one language, by question and code; identity when labels are off.

    Given the older versions kept (`FlowHistory`), a choice removed since keeps its label.
    """

    def __init__(self, flow: Flow | FlowHistory, lang: str, *, enabled: bool) -> None:
        self.enabled = enabled
        self._maps: dict[str, dict[str, str]] = {}
        history = flow if isinstance(flow, FlowHistory) else FlowHistory(flow)
        if enabled:
            for question_id in history.question_ids():
                pairs = history.pairs(question_id, lang)
                if pairs:
                    self._maps[question_id] = dict(pairs)

    def mapping(self, question_id: str) -> dict[str, str] | None:
        """Code -> label for one question, or None when codes are written as they are."""
        return self._maps.get(question_id)


def _as_list(value: AnswerValue | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return value
    # A scalar where a list is expected: the question changed kind between versions.
    return [str(value)]


def _join(codes: list[str], labels: dict[str, str] | None) -> str:
    if labels is None:
        return JOIN.join(codes)
    return JOIN.join([labels.get(code, code) for code in codes])


def _value(value: AnswerValue | None, labels: dict[str, str] | None) -> Value:
    if isinstance(value, list):
        return _join(value, labels)
    if labels is not None and isinstance(value, str):
        return labels.get(value, value)
    return value


def _seconds_between(start: str, end: str | None) -> int | None:
    if end is None:
        return None
    elapsed = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
    return round(elapsed.total_seconds())


def wide_table(
    batch: ResponseBatch, columns: Sequence[Column], options: ExportOptions, labels: Labels
) -> Table:
    """One row per response of the batch, one list per column."""
    answers = batch.answers
    lists: dict[str, list[list[str] | None]] = {}

    def listed(question_id: str) -> list[list[str] | None]:
        if question_id not in lists:
            lists[question_id] = [_as_list(a.get(question_id)) for a in answers]
        return lists[question_id]

    meta: dict[str, list[Value]] = {
        "response_key": list(batch.keys),
        "stage_code": list(batch.stage_codes),
        "stage_city": [
            city if city is not None or code is None else options.cities.get(code)
            for code, city in zip(batch.stage_codes, batch.cities, strict=True)
        ],
        "channel": list(batch.channels),
        "flow_id": list(batch.flow_ids),
        "flow_version": list(batch.flow_versions),
        "language": list(batch.languages),
        "status": list(batch.statuses),
        "started_at": list(batch.started_at),
        "completed_at": list(batch.completed_at),
        "duration_seconds": [
            _seconds_between(start, end)
            for start, end in zip(batch.started_at, batch.completed_at, strict=True)
        ],
    }
    table: Table = {}
    for column in columns:
        q = column.question_id
        if column.role is Role.META or q is None:
            table[column.name] = meta[column.name]
        elif column.role is Role.VALUE:
            mapping = labels.mapping(q)
            values: list[Any] = [a.get(q) for a in answers]
            if mapping is not None or list in set(map(type, values)):
                values = [_value(v, mapping) for v in values]
            table[column.name] = values
        elif column.role is Role.OTHER_TEXT:
            table[column.name] = [others.get(q) for others in batch.other_texts]
        elif column.role is Role.JOINED:
            mapping = labels.mapping(q)
            table[column.name] = [None if c is None else _join(c, mapping) for c in listed(q)]
        elif column.role is Role.OPTION:
            code = column.code
            table[column.name] = [None if c is None else 1 if code in c else 0 for c in listed(q)]
        else:  # Role.RANK: 1 is the first; an item left unranked (top N) is empty.
            code = column.code
            table[column.name] = [
                None if c is None or code not in c else c.index(code) + 1 for c in listed(q)
            ]
    return table


class LongRows:
    """Builds the long layout: one row per answer, and per question skipped."""

    def __init__(
        self, flow: Flow, labels: Labels, *, left_out: frozenset[str] = frozenset()
    ) -> None:
        self.flow = flow
        self.labels = labels
        self._left_out = left_out
        """Questions with no row: the personal ones, unless asked for."""
        steps = flow.steps()
        # Sort keys as text: flow order first, then questions the flow file lacks, by id.
        self._order = {step.id: f"{i:06d}" for i, step in enumerate(steps)}
        self._info = {step.id for step in steps if step.type == Kind.INFO}

    def _skipped(self, answers: dict[str, AnswerValue], skipped: Sequence[str]) -> list[str]:
        """Questions skipped on purpose and still shown; a hidden question is no row."""
        candidates = [q for q in skipped if q not in answers and q not in self._info]
        if not candidates:
            return []
        # The answers table holds the answers that count, which decide what is shown.
        state = ResponseState(current=None, answers=answers)
        shown = {step.id for step in visible_steps(self.flow, state)}
        return [q for q in candidates if q in shown or q not in self._order]

    def _sorted(self, ids: list[str]) -> list[str]:
        order = self._order
        for q in ids:
            if q not in order:
                order[q] = "~" + q
        return sorted(ids, key=order.__getitem__)

    def _values(self, answers: dict[str, AnswerValue], ids: list[str]) -> list[Value]:
        if self.labels.enabled:
            return [_value(answers.get(q), self.labels.mapping(q)) for q in ids]
        return [_value(v, None) if isinstance(v, list) else v for v in map(answers.get, ids)]

    def table(self, batch: ResponseBatch) -> Table:
        keys: list[Value] = []
        stages: list[Value] = []
        channels: list[Value] = []
        question_ids: list[Value] = []
        values: list[Value] = []
        others: list[Value] = []
        times: list[Value] = []
        statuses: list[Value] = []
        answered_at = batch.answered_at or tuple({} for _ in batch.ids)
        for i, answers in enumerate(batch.answers):
            skipped = self._skipped(answers, batch.skipped[i]) if batch.skipped[i] else []
            ids = self._sorted([*answers, *skipped])
            if self._left_out:
                ids = [q for q in ids if q not in self._left_out]
            count = len(ids)
            keys += [batch.keys[i]] * count
            stages += [batch.stage_codes[i]] * count
            channels += [batch.channels[i]] * count
            question_ids += ids
            values += self._values(answers, ids)
            texts = batch.other_texts[i]
            others += map(texts.get, ids) if texts else [None] * count
            times += map(answered_at[i].get, ids)
            if skipped:
                statuses += [SKIPPED if q in skipped else ANSWERED for q in ids]
            else:
                statuses += [ANSWERED] * count
        return {
            "response_key": keys,
            "stage_code": stages,
            "channel": channels,
            "question_id": question_ids,
            "value": values,
            "other_text": others,
            "answered_at": times,
            "status": statuses,
        }
