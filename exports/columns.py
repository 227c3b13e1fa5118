"""The columns of an export, planned from the flow file and the data before any row is read.

Wide columns follow the current flow file, question by question; questions
answered only on other versions of the flow come last, laid out as the newest
version kept in the database asked them (`exports.history`), or as stored when
none is. Each column knows what its cells hold (`Cell`), so every writer (CSV,
XLSX, pandas) formats it the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from exports.errors import ExportError
from exports.history import FlowHistory
from exports.options import ExportOptions, Layout
from flows import Flow, Kind, Step, answer_labels
from storage import AnsweredQuestion

OTHER: Final = "other"
DONT_KNOW: Final = "dont_know"


class Role(StrEnum):
    """What a column says about its question."""

    META = "meta"
    VALUE = "value"
    """The answer itself."""
    JOINED = "joined"
    """The codes of a multiple choice, joined by ";"."""
    OPTION = "option"
    """1 if one option of a multiple choice was selected, else 0."""
    RANK = "rank"
    """The rank given to one item of a ranking."""
    OTHER_TEXT = "other_text"
    """The free text of "Other, please specify"."""


class Cell(StrEnum):
    """What the cells of a column hold."""

    TEXT = "text"
    CODE = "code"
    """A choice code (or its label)."""
    SCALE = "scale"
    """A whole number, or the "don't know" code (or label)."""
    INTEGER = "integer"
    DECIMAL = "decimal"
    FLAG = "flag"
    """0 or 1."""
    RANK = "rank"
    TIME = "time"
    """A stored timestamp."""
    ANY = "any"
    """Whatever was stored (questions not in the current flow file, long values)."""


NUMERIC: Final = frozenset({Cell.INTEGER, Cell.DECIMAL, Cell.FLAG, Cell.RANK})


@dataclass(frozen=True)
class Column:
    """One column of the export."""

    name: str
    role: Role
    cell: Cell
    question_id: str | None = None
    step: Step | None = None
    """The question as the newest version that asks it; None for metadata and questions
    of versions not kept."""
    source: Flow | None = None
    """The older version `step` comes from; None when it is the current file's."""
    code: str | None = None
    """The option or item of an OPTION or RANK column."""
    seen: AnsweredQuestion | None = None
    """What the data of other flow versions holds for this question, if any."""


META_COLUMNS: Final = (
    Column("response_key", Role.META, Cell.TEXT),
    Column("stage_code", Role.META, Cell.CODE),
    Column("stage_city", Role.META, Cell.TEXT),
    Column("stage_region", Role.META, Cell.TEXT),
    Column("stage_territory", Role.META, Cell.TEXT),
    Column("stage_date", Role.META, Cell.TEXT),
    Column("channel", Role.META, Cell.CODE),
    Column("flow_id", Role.META, Cell.CODE),
    Column("flow_version", Role.META, Cell.INTEGER),
    Column("language", Role.META, Cell.CODE),
    Column("status", Role.META, Cell.CODE),
    Column("started_at", Role.META, Cell.TIME),
    Column("completed_at", Role.META, Cell.TIME),
    Column("duration_seconds", Role.META, Cell.INTEGER),
)

LONG_COLUMNS: Final = (
    Column("response_key", Role.META, Cell.TEXT),
    Column("stage_code", Role.META, Cell.CODE),
    Column("stage_region", Role.META, Cell.TEXT),
    Column("channel", Role.META, Cell.CODE),
    Column("question_id", Role.META, Cell.CODE),
    Column("value", Role.VALUE, Cell.ANY),
    Column("other_text", Role.OTHER_TEXT, Cell.TEXT),
    Column("answered_at", Role.META, Cell.TIME),
    Column("status", Role.META, Cell.CODE),
    # Added after the first nine, so that scripts reading those by position read them still.
    Column("response_status", Role.META, Cell.CODE),
    Column("answer_flow_version", Role.META, Cell.INTEGER),
    Column("flow_id", Role.META, Cell.CODE),
    Column("stage_city", Role.META, Cell.TEXT),
    Column("stage_territory", Role.META, Cell.TEXT),
    Column("stage_date", Role.META, Cell.TEXT),
)
"""The long layout's columns. `status` is the answer's (answered or skipped), as it always
was; `response_status` is the response's, the wide layout's `status`. `answer_flow_version`
is the version the row's answer was given on (a skip: its response's), which can be older
than its response's `flow_version` for an answer carried over to a newer version.
`flow_id` and `stage_city` came last: long files of two questionnaires, stacked, say
which each row answered (the two share question ids: `role` means another thing in each);
then the stage's territory and day, to group and order the workshops by."""


def questions(flow: Flow) -> list[Step]:
    """The steps that take an answer, in flow order."""
    return [step for step in flow.steps() if step.type != Kind.INFO]


def personal_ids(flow: Flow | FlowHistory) -> frozenset[str]:
    """The questions marked `personal: true` (by any version kept): they can identify someone."""
    if isinstance(flow, FlowHistory):
        return flow.personal_ids
    return frozenset(step.id for step in questions(flow) if step.personal)


def exported_questions(
    flow: Flow, options: ExportOptions, history: FlowHistory | None = None
) -> list[Step]:
    """The current file's questions the export holds: personal ones only when asked."""
    personal = personal_ids(history or flow)
    return [s for s in questions(flow) if options.include_personal or s.id not in personal]


def codes_of(flow: Flow, step: Step) -> list[str]:
    """The answer codes a step offers, in the order shown ("other" last)."""
    return [code for code, _ in answer_labels(flow, step, flow.language)]


def option_codes(columns: Iterable[Column]) -> dict[str, list[str]]:
    """The codes of each question's 0/1 (OPTION) columns, in column order."""
    codes: dict[str, list[str]] = {}
    for column in columns:
        if column.role is Role.OPTION and column.question_id and column.code is not None:
            codes.setdefault(column.question_id, []).append(column.code)
    return codes


def plan_columns(
    flow: Flow,
    seen: Sequence[AnsweredQuestion],
    options: ExportOptions,
    history: FlowHistory | None = None,
) -> tuple[Column, ...]:
    """The columns of the export, in order; `history` holds the older versions kept."""
    if options.layout is Layout.LONG:
        return LONG_COLUMNS
    history = history or FlowHistory(flow)
    by_id = {item.question_id: item for item in seen}
    columns = list(META_COLUMNS)
    for step in exported_questions(flow, options, history):
        columns += _step_columns(flow, step, by_id.get(step.id), joined=options.joined)
    for item, found in _older_questions(flow, seen, options, history):
        if found is None:
            columns += _older_columns(item)
        else:
            source, step = found
            columns += _step_columns(source, step, item, joined=options.joined, older=True)
    _check_unique(columns)
    return tuple(columns)


def question_values(
    flow: Flow,
    seen: Sequence[AnsweredQuestion],
    options: ExportOptions,
    history: FlowHistory | None = None,
) -> tuple[Column, ...]:
    """The long layout's `value`, one per question it may hold rows of, for its codebook:
    the current file's questions, then those answered only on other versions."""
    history = history or FlowHistory(flow)
    values = [
        Column("value", Role.VALUE, Cell.ANY, question_id=step.id, step=step)
        for step in exported_questions(flow, options, history)
    ]
    for item, found in _older_questions(flow, seen, options, history):
        source, step = found if found is not None else (None, None)
        values.append(
            Column("value", Role.VALUE, Cell.ANY, question_id=item.question_id, step=step,
                   source=source, seen=item)
        )  # fmt: skip
    return tuple(values)


def _older_questions(
    flow: Flow, seen: Sequence[AnsweredQuestion], options: ExportOptions, history: FlowHistory
) -> list[tuple[AnsweredQuestion, tuple[Flow, Step] | None]]:
    """The questions answered on other versions that the current file lacks (personal ones
    only when asked), each with the newest version that had it, if one is kept."""
    known = {step.id for step in flow.steps()}
    left_out = frozenset() if options.include_personal else history.personal_ids
    return [
        (item, history.find(item.question_id))
        for item in seen
        if item.question_id not in known and item.question_id not in left_out
    ]


def _step_columns(
    flow: Flow, step: Step, seen: AnsweredQuestion | None, *, joined: bool, older: bool = False
) -> list[Column]:
    q = step.id
    source = flow if older else None

    def column(name: str, role: Role, cell: Cell, code: str | None = None) -> Column:
        return Column(
            name, role, cell, question_id=q, step=step, source=source, code=code, seen=seen
        )

    has_other = (seen is not None and seen.has_other_text) or bool(getattr(step, "other", False))
    other = [column(f"{q}_other", Role.OTHER_TEXT, Cell.TEXT)] if has_other else []
    if step.type in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        codes = codes_of(flow, step)
        # Codes answered on other versions of the flow keep their column.
        codes += [c for c in (seen.list_codes if seen else ()) if c not in codes]
        if step.type == Kind.RANKING:
            return [column(f"{q}__{c}", Role.RANK, Cell.RANK, c) for c in codes] + other
        first = [column(q, Role.JOINED, Cell.TEXT)] if joined else []
        options = [column(f"{q}__{c}", Role.OPTION, Cell.FLAG, c) for c in codes]
        return first + options + other
    if step.type in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.CODE):
        return [column(q, Role.VALUE, Cell.CODE), *other]
    if step.type == Kind.SCALE:
        return [column(q, Role.VALUE, Cell.SCALE), *other]
    if step.type == Kind.NUMBER:
        whole = bool(getattr(step, "integer", True))
        return [column(q, Role.VALUE, Cell.INTEGER if whole else Cell.DECIMAL), *other]
    return [column(q, Role.VALUE, Cell.TEXT), *other]


def _older_columns(seen: AnsweredQuestion) -> list[Column]:
    """A question the current flow file no longer has: its values as stored."""
    q = seen.question_id
    types = seen.value_types
    cell = (
        Cell.INTEGER
        if types <= {"integer"}
        else Cell.DECIMAL
        if types <= {"integer", "real"}
        else Cell.ANY
    )
    columns = [Column(q, Role.VALUE, cell, question_id=q, seen=seen)]
    if seen.has_other_text:
        columns.append(Column(f"{q}_other", Role.OTHER_TEXT, Cell.TEXT, question_id=q, seen=seen))
    return columns


def _check_unique(columns: Iterable[Column]) -> None:
    owners: dict[str, Column] = {}
    for column in columns:
        if column.name in owners:
            first = owners[column.name]
            raise ExportError(
                f"two export columns would be named '{column.name}' "
                f"({_describe(first)} and {_describe(column)}); rename one of these "
                "questions or choices in the flow file (and bump its version)"
            )
        owners[column.name] = column


def _describe(column: Column) -> str:
    if column.question_id is None:
        return "a metadata column"
    if column.code is not None:
        return f"choice '{column.code}' of question '{column.question_id}'"
    return f"question '{column.question_id}'"
