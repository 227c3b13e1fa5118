"""Rows of the export, one batch of responses at a time, as columns of plain cells.

A table is a dict from column name to a list of cells: `str`, `int`, `float`
or None (empty). Times are left as stored; the writers format them. Building
columns with comprehensions over a batch keeps the work per answer small and
the memory bounded by the batch, whatever the size of the export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any, Final

from exports.columns import Column, Role
from exports.history import FlowHistory, LeftOut
from exports.meta_cells import meta_cells, stage_cells
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
    # str(): a list stored by hand or by an old bug may hold a number; written, not fatal.
    if labels is None:
        return JOIN.join(map(str, codes))
    return JOIN.join([labels.get(str(code), str(code)) for code in codes])


def _value(value: AnswerValue | None, labels: dict[str, str] | None) -> Value:
    if isinstance(value, list):
        return _join(value, labels)
    if labels is not None and isinstance(value, str):
        return labels.get(value, value)
    return value


def wide_table(
    batch: ResponseBatch,
    columns: Sequence[Column],
    options: ExportOptions,
    labels: Labels,
    left_out: Mapping[str, Mapping[int, LeftOut]] | None = None,
    not_offered: Mapping[str, Mapping[int, tuple[str, ...]]] | None = None,
) -> Table:
    """One row per response of the batch, one list per column.

    Each response's answers are visited once, row by row, and the values
    transposed at C speed (`zip`): walking 2,000 dicts once per column missed
    the processor's caches at every cell and cost half as much again.

    `left_out` (`FlowHistory.left_out`) says which multiple choices leave out what
    was chosen earlier, on which flow version: a choice a response was never
    offered has an empty cell, not a 0 ("shown, and not selected"). Only those
    questions' rows are looked at again.

    `not_offered` (`FlowHistory.not_offered`) says which choices a flow version did
    not have at all (added or removed since): empty too on the answers given on that
    version. An answer is on its response's version, unless the batch says it was given
    on another (`ResponseBatch.answer_versions`: kept from before the response was
    carried over to a newer version, whose choices it was never shown).
    """
    meta = meta_cells(batch, options)
    answers = _BatchAnswers(batch, columns, left_out, not_offered)
    table: Table = {}
    for column in columns:
        q = column.question_id
        if column.role is Role.META or q is None:
            table[column.name] = meta[column.name]
        elif column.role is Role.VALUE:
            table[column.name] = answers.values(q, labels.mapping(q))
        elif column.role is Role.OTHER_TEXT:
            table[column.name] = answers.others[q]
        elif column.role is Role.JOINED:
            table[column.name] = answers.joined(q, labels.mapping(q))
        else:  # Role.OPTION (1 if chosen) or Role.RANK (1 is the first; unranked is empty)
            table[column.name] = list(answers.flagged(column.role, q)[str(column.code)])
    return table


class _BatchAnswers:
    """The batch's answers to the questions the columns name, read once, and the cells
    of each kind of column made from them.

    Lists and flags are worked out on first use, once per question: several columns
    (a multiple choice's joined codes and its options) share them.
    """

    def __init__(
        self,
        batch: ResponseBatch,
        columns: Sequence[Column],
        left_out: Mapping[str, Mapping[int, LeftOut]] | None,
        not_offered: Mapping[str, Mapping[int, tuple[str, ...]]] | None = None,
    ) -> None:
        self._batch = batch
        self._columns = columns
        self._left_out = left_out
        self._not_offered = not_offered
        asked = list(dict.fromkeys(c.question_id for c in columns if c.question_id is not None))
        self._answered = _transposed(batch.answers, asked)
        other_ids = [c.question_id for c in columns if c.role is Role.OTHER_TEXT and c.question_id]
        self.others = _transposed(batch.other_texts, other_ids)
        self._lists: dict[str, list[list[str] | None]] = {}
        self._flags: dict[tuple[Role, str], dict[str, list[int | None]]] = {}
        kept = batch.answer_versions
        self._kept = kept if kept is not None and any(kept) else None
        """Answers given on another version than their response's, if the batch has any."""

    def values(self, question_id: str, mapping: dict[str, str] | None) -> list[Any]:
        """A VALUE column: the answers as they are, unless a label or a list needs writing."""
        values: list[Any] = self._answered[question_id]
        if mapping is not None or list in set(map(type, values)):
            values = [_value(v, mapping) for v in values]
        return values

    def joined(self, question_id: str, mapping: dict[str, str] | None) -> list[Value]:
        """A JOINED column: the codes (or labels) chosen, joined by ";"."""
        return [None if c is None else _join(c, mapping) for c in self._listed(question_id)]

    def flagged(self, role: Role, question_id: str) -> dict[str, list[int | None]]:
        """Every OPTION (or RANK) column of one question, computed in one pass."""
        key = (role, question_id)
        if key not in self._flags:
            codes = [
                c.code for c in self._columns if c.role is role and c.question_id == question_id
            ]
            rules = (
                self._left_out.get(question_id) if self._left_out and role is Role.OPTION else None
            )
            gone = (
                self._not_offered.get(question_id)
                if self._not_offered and role is Role.OPTION
                else None
            )
            versions = self._versions(question_id) if rules or gone else ()
            out = (
                _never_offered(versions, self._batch.answers, rules, self._values_of)
                if rules
                else None
            )
            if gone:
                out = _not_in_version(versions, gone, out)
            self._flags[key] = _flag_columns(
                self._listed(question_id), codes, rank=role is Role.RANK, out=out
            )
        return self._flags[key]

    def _versions(self, question_id: str) -> Sequence[int]:
        """The flow version each response's answer to `question_id` was given on: its
        response's, unless kept from an older one the response was carried over from."""
        versions = self._batch.flow_versions
        if self._kept is None:
            return versions
        return [
            kept.get(question_id, version) if kept else version
            for kept, version in zip(self._kept, versions, strict=True)
        ]

    def _values_of(self, question_id: str) -> list[Any]:
        """The batch's answers to one question: an exported one's are read already."""
        if question_id not in self._answered:
            self._answered.update(_transposed(self._batch.answers, [question_id]))
        return self._answered[question_id]

    def _listed(self, question_id: str) -> list[list[str] | None]:
        if question_id not in self._lists:
            # _as_list inline: None and lists as they are (JSON makes plain lists).
            self._lists[question_id] = [
                v if v is None or v.__class__ is list else _as_list(v)
                for v in self._answered[question_id]
            ]
        return self._lists[question_id]


def _transposed(rows: Sequence[dict[str, Any]], keys: list[str]) -> dict[str, list[Any]]:
    """`{key: [row.get(key) for row in rows]}` for each key, each row's dict read once."""
    if not keys:
        return {}
    empty = [None] * len(keys)
    # An empty dict (no "other" text, most responses) needs no lookup.
    picked = [list(map(row.get, keys)) if row else empty for row in rows]
    return {key: list(cells) for key, cells in zip(keys, zip(*picked, strict=True), strict=True)}


def _never_offered(
    versions: Sequence[int],
    answers: Sequence[Mapping[str, Any]],
    rules: Mapping[int, LeftOut],
    values_of: Callable[[str], list[Any]],
) -> list[tuple[str, ...]] | None:
    """For each response, the codes its version of the question (`versions`: the one each
    answer was given on) did not offer it; None when no answer of the batch is on a
    version that leaves any out.

    `values_of(question_id)` gives the batch's answers to a question, one per response.
    Most batches are on one version: the earlier answers are then looked up at C speed.
    """
    found = {rules.get(version) for version in set(versions)}
    if found == {None}:
        return None
    if len(found) == 1:
        (rule,) = found
        assert rule is not None
        values = values_of(rule.named)
        single = {code: (code,) for code in rule.codes}
        try:  # the earlier question a single choice: one code or none per response
            return list(map(single.get, values, repeat((), len(values))))
        except TypeError:  # lists: a multiple choice or a ranking
            return [rule.never_offered(value) for value in values]
    out: list[tuple[str, ...]] = []
    for version, given in zip(versions, answers, strict=True):
        rule = rules.get(version)
        out.append(rule.never_offered(given.get(rule.named)) if rule is not None else ())
    return out


def _not_in_version(
    versions: Sequence[int],
    gone: Mapping[int, tuple[str, ...]],
    out: list[tuple[str, ...]] | None,
) -> list[tuple[str, ...]] | None:
    """`out` (codes never offered, per response) with the codes the flow version of each
    response's answer (`versions`) did not have; `out` as it is when no answer of the
    batch is on such a version.
    """
    if not any(version in gone for version in set(versions)):
        return out
    missing = list(map(gone.get, versions, repeat((), len(versions))))
    if out is None:
        return missing
    return [left + extra if extra else left for left, extra in zip(out, missing, strict=True)]


def _flag_columns(
    lists: list[list[str] | None],
    codes: list[str | None],
    *,
    rank: bool,
    out: list[tuple[str, ...]] | None = None,
) -> dict[str, list[int | None]]:
    """The OPTION or RANK column of each code, in one pass over the answers.

    A batch holds few distinct answers to a question: each is worked out once,
    and the cells looked up and transposed at C speed. `out` gives, per
    response, the codes it was never offered (their cells are empty, unless
    chosen all the same); a question without such a rule has none to look at.
    """
    # The key of a row: its answer, and the codes it was never offered when there can be some.
    keys: list[Any] = (
        [None if chosen is None else tuple(chosen) for chosen in lists]
        if out is None
        else [
            None if chosen is None else (tuple(chosen), left)
            for chosen, left in zip(lists, out, strict=True)
        ]
    )
    try:
        known = {
            key: _flags(key, codes, rank=rank)
            if out is None or key is None
            else _flags(key[0], codes, rank=rank, never=key[1])
            for key in set(keys)
        }
    except TypeError:  # an unhashable item in a malformed answer: no shortcut
        never = out if out is not None else [()] * len(lists)
        rows = [
            _flags(chosen, codes, rank=rank, never=left)
            for chosen, left in zip(lists, never, strict=True)
        ]
    else:
        rows = list(map(known.__getitem__, keys))
    return {
        str(code): list(cells) for code, cells in zip(codes, zip(*rows, strict=True), strict=True)
    }


def _flags(
    chosen: Sequence[str] | None,
    codes: list[str | None],
    *,
    rank: bool,
    never: Sequence[str] = (),
) -> tuple[int | None, ...]:
    if chosen is None:
        return (None,) * len(codes)
    if rank:
        return tuple(chosen.index(code) + 1 if code in chosen else None for code in codes)
    if never:  # a choice never offered: empty, not "shown, and not selected"
        return tuple(1 if code in chosen else None if code in never else 0 for code in codes)
    return tuple(1 if code in chosen else 0 for code in codes)


class LongRows:
    """Builds the long layout: one row per answer, and per question skipped.

    `history` holds the older versions of `flow` kept: a skip is judged by the
    conditions of the version its response was given on.
    """

    def __init__(
        self,
        flow: Flow,
        labels: Labels,
        *,
        left_out: frozenset[str] = frozenset(),
        later: Sequence[str] = (),
        history: FlowHistory | None = None,
        regions: Mapping[str, str] | None = None,
        cities: Mapping[str, str] | None = None,
        territories: Mapping[str, str] | None = None,
        dates: Mapping[str, str] | None = None,
    ) -> None:
        self.flow = flow
        self.labels = labels
        self._left_out = left_out
        """Questions with no row: the personal ones, unless asked for."""
        self._regions = regions or {}
        """Stage code -> region, for stages the database gives none (`ExportOptions.regions`)."""
        self._cities = cities or {}
        self._territories, self._dates = territories or {}, dates or {}
        """Stage code -> territory, and -> day: the database's over the stages file's."""
        steps = flow.steps()
        # Sort keys as text: flow order first, then the questions the flow file lacks in
        # the order of `later` (the wide layout's and the codebook's), then any other by id.
        in_file = frozenset(step.id for step in steps)
        lacked = [q for q in dict.fromkeys(later) if q not in in_file]
        ids = [*(step.id for step in steps), *lacked]
        self._order = {q: f"{i:06d}" for i, q in enumerate(ids)}
        self._info = {step.id for step in steps if step.type == Kind.INFO}
        self._versions: dict[int, tuple[Flow, frozenset[str], frozenset[str]]] = {}
        """Each version held (the current file first): its steps, and its information ones."""
        for held in (history or FlowHistory(flow)).flows:
            held_steps = held.steps()
            self._versions.setdefault(
                held.version,
                (
                    held,
                    frozenset(step.id for step in held_steps),
                    frozenset(step.id for step in held_steps if step.type == Kind.INFO),
                ),
            )

    def _skipped(
        self, answers: dict[str, AnswerValue], skipped: Sequence[str], version: int
    ) -> list[str]:
        """Questions skipped on purpose and still shown; a hidden question is no row.

        Shown as the response's own `version` decides: a condition added since does not
        hide a question that was asked then. A version not held (run before versions
        were kept) cannot tell: its skips are kept as stored, as its answers are (and as
        `organiser.stats` counts them reached).
        """
        found = self._versions.get(version)
        info = self._info if found is None else found[2]
        candidates = [q for q in skipped if q not in answers and q not in info]
        if not candidates or found is None:
            return candidates
        flow, asked, _ = found
        # The answers table holds the answers that count, which decide what is shown.
        state = ResponseState(current=None, answers=answers)
        shown = {step.id for step in visible_steps(flow, state)}
        return [q for q in candidates if q in shown or q not in asked]

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
        regions: list[Value] = []
        channels: list[Value] = []
        question_ids: list[Value] = []
        values: list[Value] = []
        others: list[Value] = []
        times: list[Value] = []
        statuses: list[Value] = []
        response_statuses: list[Value] = []
        answer_versions: list[Value] = []
        flow_ids: list[Value] = []
        cities: list[Value] = []
        territories: list[Value] = []
        dates: list[Value] = []
        answered_at = batch.answered_at or tuple({} for _ in batch.ids)
        # The answers given on another version than their response's (carried over to it).
        carried = batch.answer_versions or tuple({} for _ in batch.ids)
        region_of = stage_cells(batch.stage_codes, batch.regions, self._regions)
        city_of = stage_cells(batch.stage_codes, batch.cities, self._cities)
        for i, answers in enumerate(batch.answers):
            skipped = (
                self._skipped(answers, batch.skipped[i], batch.flow_versions[i])
                if batch.skipped[i]
                else []
            )
            ids = self._sorted([*answers, *skipped])
            if self._left_out:
                ids = [q for q in ids if q not in self._left_out]
            count = len(ids)
            keys += [batch.keys[i]] * count
            stages += [batch.stage_codes[i]] * count
            regions += [region_of[i]] * count
            channels += [batch.channels[i]] * count
            flow_ids += [batch.flow_ids[i]] * count
            cities += [city_of[i]] * count
            code = batch.stage_codes[i]
            territories += [self._territories.get(code) if code else None] * count
            dates += [self._dates.get(code) if code else None] * count
            question_ids += ids
            values += self._values(answers, ids)
            texts = batch.other_texts[i]
            others += map(texts.get, ids) if texts else [None] * count
            times += map(answered_at[i].get, ids)
            response_statuses += [batch.statuses[i]] * count
            version = batch.flow_versions[i]
            if carried[i]:  # a skip is on its response's version: it is judged by that one
                answer_versions += [carried[i].get(q, version) for q in ids]
            else:
                answer_versions += [version] * count
            if skipped:
                statuses += [SKIPPED if q in skipped else ANSWERED for q in ids]
            else:
                statuses += [ANSWERED] * count
        return {
            "response_key": keys,
            "stage_code": stages,
            "stage_region": regions,
            "channel": channels,
            "question_id": question_ids,
            "value": values,
            "other_text": others,
            "answered_at": times,
            "status": statuses,
            "response_status": response_statuses,
            "answer_flow_version": answer_versions,
            "flow_id": flow_ids,
            "stage_city": cities,
            "stage_territory": territories,
            "stage_date": dates,
        }
