"""The pandas API for notebooks: the export as a DataFrame with proper dtypes.

    from exports import load_responses
    df = load_responses("surveybot.sqlite3", "flows/data/questionnaire.yaml", labels=True)

Choice columns are categoricals (codes, or labels with `labels=True`, in the
order of the flow), 0/1 columns, ranks and whole numbers `Int64`, decimals
`float64`, times `datetime64[ns, UTC]`, text `string`. Empty cells are missing
values (NA), never 0.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from exports.codebook import codebook_header, codebook_rows
from exports.columns import Cell, Column, exported_questions, plan_columns
from exports.export import as_flow, prepare
from exports.history import FlowHistory
from exports.options import CHANNELS, DateLike, ExportOptions, Layout
from exports.stages import audience_taken_off, known_stages
from exports.table import ANSWERED, SKIPPED
from flows import Flow, Kind, StageDef, bundled_path, choice_labels, load_stages
from storage import ResponseStatus

Cells = list[Any]


def _options(
    *,
    stage: str | Sequence[str] | None,
    untagged: bool = False,
    status: str,
    since: DateLike | None,
    until: DateLike | None,
    flow_version: int | Sequence[int] | None,
    channel: str | Sequence[str] | None,
    labels: bool,
    lang: str | None,
    layout: str,
    joined: bool,
    include_personal: bool,
) -> ExportOptions:
    versions: tuple[int, ...]
    if flow_version is None:
        versions = ()
    elif isinstance(flow_version, int):
        versions = (flow_version,)
    else:
        versions = tuple(flow_version)
    return ExportOptions(
        layout=Layout(layout),
        stages=_codes(stage),
        untagged=untagged,
        status=status,
        since=since,
        until=until,
        flow_versions=versions,
        channels=_codes(channel),
        labels=labels,
        lang=lang,
        joined=joined,
        include_personal=include_personal,
    )


def _codes(given: str | Sequence[str] | None) -> tuple[str, ...]:
    """One code, several, or None (any)."""
    if given is None:
        return ()
    return (given,) if isinstance(given, str) else tuple(given)


def _flow(flow: Flow | str | os.PathLike[str] | None) -> Flow:
    return as_flow(flow if flow is not None else bundled_path("questionnaire.yaml"))


def _stages(
    db: str | os.PathLike[str],
    flow: Flow,
    given: str | Sequence[str] | None,
    stages: str | os.PathLike[str] | Sequence[StageDef] | None,
) -> str | Sequence[str] | None:
    """The stage codes asked for as the stages file writes them, as `--stage` reads them:
    whatever their case, a link's code (`issoudun__entreprise`) as its workshop;
    UnknownStage (a ValueError) on one no stage or response has, OtherAudience (one too)
    on a link's code of another questionnaire than `flow`."""
    codes = _codes(given)
    if not codes:
        return given
    if stages is None:
        known, file = load_stages(bundled_path("stages.yaml")), "the bundled stages file"
        file += ' (yours: stages="stages.yaml")'
    elif isinstance(stages, str | os.PathLike):
        known, file = load_stages(Path(stages)), f"the stages file {os.fspath(stages)}"
    else:
        known, file = list(stages), "the stages given"
    codes = audience_taken_off(flow, known, codes)
    return known_stages(db, [flow.id], known, codes, file=file)


def load_responses(
    db: str | os.PathLike[str],
    flow: Flow | str | os.PathLike[str] | None = None,
    *,
    stage: str | Sequence[str] | None = None,
    untagged: bool = False,
    status: str = "completed",
    since: DateLike | None = None,
    until: DateLike | None = None,
    flow_version: int | Sequence[int] | None = None,
    channel: str | Sequence[str] | None = None,
    labels: bool = False,
    lang: str | None = None,
    layout: str = "wide",
    joined: bool = False,
    include_personal: bool = False,
    stages: str | os.PathLike[str] | Sequence[StageDef] | None = None,
) -> pd.DataFrame:
    """The responses of `flow` (default: the bundled questionnaire) in `db`, as a DataFrame.

    The same columns and filters as `surveybot export`; `stage` matches the stages
    file's codes whatever their case, and one in no stage of it that no response
    carries raises UnknownStage (a ValueError) naming the known ones; a link's code,
    `issoudun__entreprise`, is that workshop, and raises OtherAudience (a ValueError)
    naming it if `flow` is another audience's questionnaire; `stages` is
    that file (default: the bundled one), as `--stages`; `untagged=True` keeps the
    responses that came with no stage too, as `--untagged`; `status="all"` keeps
    unfinished responses too; `since`/`until` are days (UTC, inclusive) of
    `started_at`; `channel` keeps respondents of that channel (or those channels).
    Questions the flow marks `personal: true` (a name, an e-mail) are left out
    unless `include_personal=True`.
    """
    loaded = _flow(flow)
    options = _options(
        stage=_stages(db, loaded, stage, stages),
        untagged=untagged,
        status=status,
        since=since,
        until=until,
        flow_version=flow_version,
        channel=channel,
        labels=labels,
        lang=lang,
        layout=layout,
        joined=joined,
        include_personal=include_personal,
    )
    with prepare(db, loaded, options) as prepared:
        cells: dict[str, Cells] = {column.name: [] for column in prepared.columns}
        for table, _ in prepared.tables():
            for name, values in cells.items():
                values.extend(table[name])
        lang_used = options.language(loaded)
        history = prepared.history
        # The long layout's questions, in its codebook's order: the file's, then older ones.
        asked = [column.question_id for column in prepared.questions if column.question_id]
        data = {
            column.name: _series(history, column, cells.pop(column.name), lang_used, options, asked)
            for column in prepared.columns
        }
    return pd.DataFrame(data)


def load_codebook(
    flow: Flow | str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    *,
    labels: bool = False,
    lang: str | None = None,
    layout: str = "wide",
    joined: bool = False,
    include_personal: bool = False,
) -> pd.DataFrame:
    """The codebook as a DataFrame; with `db`, it includes columns of older flow versions.

    Like `load_responses`, it describes personal questions only with `include_personal=True`.
    """
    loaded = _flow(flow)
    options = _options(
        stage=None,
        status="all",
        since=None,
        until=None,
        flow_version=None,
        channel=None,
        labels=labels,
        lang=lang,
        layout=layout,
        joined=joined,
        include_personal=include_personal,
    )
    history = FlowHistory(loaded)
    questions = None
    if db is None:
        columns = plan_columns(loaded, [], options)
    else:
        with prepare(db, loaded, options) as prepared:
            columns, history = prepared.columns, prepared.history
            questions = prepared.questions
    rows = codebook_rows(loaded, columns, options, history, questions)
    return pd.DataFrame(rows, columns=codebook_header(loaded))


def _series(
    history: FlowHistory,
    column: Column,
    cells: Cells,
    lang: str,
    options: ExportOptions,
    asked: Sequence[str] = (),
) -> Any:
    cell = column.cell
    if cell is Cell.TIME:
        times = pd.to_datetime(pd.Series(cells, dtype=object), utc=True, format="ISO8601")
        return times.astype("datetime64[ns, UTC]")
    if cell in (Cell.INTEGER, Cell.FLAG, Cell.RANK):
        return _integers(cells)
    if cell is Cell.DECIMAL:
        return _decimals(cells)
    if cell is Cell.TEXT:
        return _text(cells)
    if cell is Cell.CODE:
        return _categorical(cells, _categories(history, column, lang, options, asked))
    if cell is Cell.SCALE:
        step = column.step
        if step is not None and not getattr(step, "dont_know", False):
            return _integers(cells)
        return _categorical(cells, _categories(history, column, lang, options))
    # Cell.ANY: the long layout's values, or a question the flow file no longer has.
    if options.layout is Layout.LONG:
        return pd.Series(cells, dtype=object)
    return _inferred(cells)


def _integers(cells: Cells) -> Any:
    try:
        return pd.array(cells, dtype="Int64")
    except (TypeError, ValueError):
        return _inferred(cells)


def _decimals(cells: Cells) -> Any:
    try:
        return pd.array([None if v is None else float(v) for v in cells], dtype="float64")
    except (TypeError, ValueError):
        return _text(cells)


def _text(cells: Cells) -> Any:
    return pd.array([None if v is None else str(v) for v in cells], dtype="string")


def _inferred(cells: Cells) -> Any:
    present = [v for v in cells if v is not None]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.array(cells, dtype="Int64")
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return _decimals(cells)
    return _text(cells)


def _categorical(cells: Cells, categories: list[Any]) -> Any:
    """One category per value as the CSV writes it: a question whose kind changed between
    versions stored 3 (a scale) and "3" (a choice), both "3" in the CSV. So a value is the
    category it spells, and an unknown one a text unless the categories have numbers (a
    scale's). Values outside the known categories (older versions) are kept, appended."""
    spelled = {str(category): category for category in categories}
    numbers = any(isinstance(category, int) for category in categories)

    def one(value: Any) -> Any:
        if value is None:
            return None
        text = str(value)
        if text in spelled:
            return spelled[text]
        if numbers and text.isdigit():
            return int(text)
        return value if numbers else text

    spelling = {value: one(value) for value in set(cells)}
    respelled = any(type(new) is not type(old) for old, new in spelling.items())
    values = [spelling[v] for v in cells] if respelled else cells
    extra = sorted({v for v in values if v is not None and v not in categories}, key=str)
    return pd.Categorical(values, categories=[*categories, *extra])


def _categories(
    history: FlowHistory,
    column: Column,
    lang: str,
    options: ExportOptions,
    asked: Sequence[str] = (),
) -> list[Any]:
    """The categories in flow order: the current file's, then those only older versions had
    (for `question_id`, `asked`: the questions in the codebook's order)."""
    flow = column.source or history.current
    step = column.step
    if column.name == "status" and step is None:
        long = options.layout is Layout.LONG
        return [ANSWERED, SKIPPED] if long else [s.value for s in ResponseStatus]
    if column.name == "response_status" and step is None:  # the long layout's
        return [s.value for s in ResponseStatus]
    if column.name == "channel" and step is None:
        return list(CHANNELS)
    if column.name == "question_id" and step is None:
        return list(asked) or [s.id for s in exported_questions(flow, options, history)]
    if step is None:
        return []
    if step.type == Kind.SCALE:
        low, high = int(getattr(step, "min", 1)), int(getattr(step, "max", 5))
        pairs = choice_labels(flow, step, lang)
        extra = [label if options.labels else code for code, label in pairs if not code.isdigit()]
        return [*range(low, high + 1), *extra]
    pairs = history.pairs(step.id, lang)
    if options.labels:
        # Two codes may share a label (a code renamed between versions, its label kept):
        # one category, as the CSV writes both the same.
        return list(dict.fromkeys(label for _, label in pairs))
    return [code for code, _ in pairs]
