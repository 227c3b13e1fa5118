"""`surveybot export`: the analysts' CSV (wide or long), codebook and workbook.

Like the other commands, it imports pandas, storage and the exporter only when
it runs.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from bot.cli.common import database_file, fail
from bot.cli.held import check_versions, held, how_to_include, other_flows
from bot.cli.loading import DataSetup, load_data
from bot.cli.options import CHANNEL_CHOICES, CONTEXT, data_options, to_day
from bot.cli.outputs import (
    FORCE_OPTION,
    PROGRESS_FROM,
    check_outputs,
    interrupted_cleanly,
    per_flow,
    progress_reporter,
    refuse_database,
)
from bot.cli.stats_scope import export_scope

if TYPE_CHECKING:
    from exports import ExportOptions, ExportResult
    from flows import Flow, StageDef
    from storage import ResponseFilter

STATUS_CHOICES: Final = ("completed", "all", "in_progress", "abandoned")
__all__ = ["PROGRESS_FROM", "export", "progress_reporter"]


def personal_warning(named: Sequence[str]) -> str:
    """The line that says an export holds personal data, naming the questions (those of
    any version kept that marked them personal, older ones too)."""
    if not named:
        return "note: --include-personal: this flow marks no question personal"
    return (
        f"warning: this export holds personal data (the answers to {', '.join(named)}): "
        "keep it out of shared folders and delete it once done"
    )


@click.command("export", context_settings=CONTEXT)
@data_options("export")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write; -: standard output; nothing: standard output, unless --xlsx "
    "is given. An existing file is replaced only with --force (or once you say yes).",
)
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="wide: one row per response; long: one row per answer (and per skip).",
)
@click.option(
    "--stage",
    "stages_kept",
    multiple=True,
    metavar="CODE",
    help="Only this stage (repeat for several); a link's code, pithiviers__territoire, "
    "that workshop in that audience's questionnaire.",
)
@click.option(
    "--untagged", is_flag=True, help="Only responses with no stage (or these too, with --stage)."
)
@click.option(
    "--status",
    type=click.Choice(STATUS_CHOICES),
    default="completed",
    show_default=True,
    help="Which responses: finished ones, or all of them.",
)
@click.option(
    "--channel",
    "channels",
    type=click.Choice(CHANNEL_CHOICES),
    multiple=True,
    help="Only respondents of this channel (repeatable); terminal: rehearsals.",
)
@click.option(
    "--since",
    callback=to_day,
    metavar="YYYY-MM-DD",
    help="Started on or after this day (UTC).",
)
@click.option(
    "--until",
    callback=to_day,
    metavar="YYYY-MM-DD",
    help="Started on or before this day (UTC).",
)
@click.option(
    "--flow-version",
    "flow_versions",
    type=int,
    multiple=True,
    metavar="N",
    help="Only responses given on this version of the flow (repeatable).",
)
@click.option("--labels", is_flag=True, help="Write choice labels instead of codes.")
@click.option(
    "--lang",
    metavar="LANG",
    help="Language of labels and codebook (default: the flow's).",
)
@click.option(
    "--joined",
    is_flag=True,
    help="Add a column of the codes of each multiple choice (wide layout only).",
)
@click.option(
    "--include-personal",
    is_flag=True,
    help="Also export the questions the flow marks personal (a name, an e-mail address): "
    "left out by default.",
)
@click.option("--excel", is_flag=True, help="For French Excel: UTF-8 with BOM, ';', CRLF, 3,5.")
@click.option(
    "--bom",
    is_flag=True,
    help="The plain CSV (',', 3.5) with a BOM, for Excel in English, which reads UTF-8 by it.",
)
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the codebook (one row per column) to this CSV file.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an Excel workbook (sheets 'responses' and 'codebook').",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes making a large CSV (default: 2, or 1 on one core; 1 spares a busy bot).",
)
@FORCE_OPTION
def export(
    db: str | None,
    flow: Path | None,
    flows: str | None,
    stages: Path | None,
    out: Path | None,
    layout: str,
    stages_kept: tuple[str, ...],
    untagged: bool,
    status: str,
    channels: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    flow_versions: tuple[int, ...],
    labels: bool,
    lang: str | None,
    joined: bool,
    include_personal: bool,
    excel: bool,
    bom: bool,
    codebook_path: Path | None,
    xlsx_path: Path | None,
    jobs: int | None,
    force: bool,
) -> None:
    """Export the responses for analysis: CSV on standard output or --out.

    Reads a consistent snapshot through a read-only connection: safe while the
    bot runs. Only completed responses unless --status all. Questions the flow
    marks personal (a name, an e-mail) are left out unless --include-personal.
    With several flows (--flows), each is exported to its own files, named
    after its audience (responses-entreprise.csv, responses-territoire.csv), or
    only the one --flow names (the only way to a device or pipe, -o /dev/null or
    -o >(gzip > r.csv.gz)). Messages go to standard error. Files are created
    readable by you only (mode 600), never over the database, and never left
    half-written; a symbolic link is followed (its target is written).

    Example: surveybot export --excel --labels --codebook codebook.csv -o responses.csv
    """
    from exports import ExportError, ExportOptions, Layout

    _check_layout(layout, joined=joined)
    setup = load_data(db, flow, flows, stages)
    # `issoudun__entreprise`, as the cards print it: that workshop, that questionnaire.
    stages_kept, setup, picked = export_scope(setup, stages_kept, flow_given=flow is not None)
    _check_flags(setup.selected, lang=lang, since=since, until=until)
    stages_kept = _known_stages(setup.settings.db, setup.selected, setup.stages, stages_kept)
    targets = _plan_targets(setup, out=out, codebook=codebook_path, xlsx=xlsx_path, force=force)
    check_versions(setup.settings.db, setup.selected, flow_versions)
    try:
        options = ExportOptions(
            layout=Layout(layout),
            stages=stages_kept,
            untagged=untagged,
            status=status,
            since=since,
            until=until,
            flow_versions=flow_versions,
            channels=channels,
            labels=labels,
            lang=lang,
            joined=joined,
            include_personal=include_personal,
            excel=excel,
            bom=bom,
            cities={stage.code: stage.city for stage in setup.stages},
            regions={stage.code: stage.region for stage in setup.stages if stage.region},
            territories={s.code: s.territory for s in setup.stages if s.territory},
            dates={s.code: s.date.isoformat() for s in setup.stages if s.date},
        )
        for target in targets:
            _export_one(setup.settings.db, options, target, jobs)
    except ExportError as error:
        fail(str(error))
    if flow is None and not picked:  # a flow picked on purpose: the others are not missed
        _note_other_flows(setup, options)


def _check_layout(layout: str, *, joined: bool) -> None:
    """Refuse (exit 2) --joined with --layout long, which has no column to add: its `value`
    already holds a multiple choice's codes joined by ';'."""
    if joined and layout == "long":
        raise click.BadParameter(
            "--joined adds a column to the wide layout; the long one already writes a "
            "multiple choice's codes joined by ';' in 'value': leave out --joined",
            param_hint="'--joined'",
        )


def _check_flags(
    flows: list[Flow], *, lang: str | None, since: dt.date | None, until: dt.date | None
) -> None:
    """Refuse (exit 2) a --lang one of the flows lacks, or --since after --until."""
    for chosen in flows:
        if lang is not None and lang not in chosen.languages:
            raise click.BadParameter(
                f"the flow has no '{lang}' version (it has: {', '.join(chosen.languages)})",
                param_hint="'--lang'",
            )
    if since is not None and until is not None and since > until:
        raise click.BadParameter(
            f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}",
            param_hint="'--since'",
        )


@dataclass(frozen=True, slots=True)
class _Target:
    """The files one flow is exported to; neither a CSV file nor a workbook: standard output."""

    flow: Flow
    csv: Path | None
    codebook: Path | None
    xlsx: Path | None
    to_stdout: bool = False
    """-o -: the CSV to standard output, even beside a workbook."""

    @property
    def files(self) -> tuple[Path | None, ...]:
        return (self.csv, self.codebook, self.xlsx)


def _plan_targets(
    setup: DataSetup, *, out: Path | None, codebook: Path | None, xlsx: Path | None, force: bool
) -> list[_Target]:
    """Each flow's files (`out-entreprise.csv` with several flows), checked before any is
    written: never the database, an existing file only with --force."""
    for flag, path in (("--codebook", codebook), ("--xlsx", xlsx)):
        if path == Path("-"):
            # Not a file called "-" in the current folder, which is what it would make.
            raise click.BadParameter(
                "give a file name: standard output ('-') is where the responses go (-o -)",
                param_hint=f"'{flag}'",
            )
    # /dev/stdout is standard output by another name: opened by its path, a pipe behind
    # it is "No such file", and a file behind it "already exists".
    to_stdout = out in (Path("-"), Path("/dev/stdout"))
    out = None if to_stdout else out
    several = len(setup.selected) > 1
    if several and (to_stdout or (out is None and xlsx is None)):
        fail(
            "several flows are configured: name a file with -o (one is written per flow, "
            "like responses-entreprise.csv) or a workbook with --xlsx, or pick one with --flow"
        )
    from exports import one_per_flow_refused

    names = [f.audience.code if f.audience else f.id for f in setup.selected]  # as per_flow
    given = (("-o", out), ("--codebook", codebook), ("--xlsx", xlsx))
    if several and (refused := one_per_flow_refused(given, names)):
        fail(refused)  # before any file is written
    database = database_file(setup.settings.db)
    refuse_database((out, codebook, xlsx), database=database)
    _refuse_wrong_kinds(out, codebook, xlsx)
    targets = [
        _Target(
            chosen,
            per_flow(out, chosen, several),
            per_flow(codebook, chosen, several),
            per_flow(xlsx, chosen, several),
            to_stdout,
        )
        for chosen in setup.selected
    ]
    check_outputs(
        [path for target in targets for path in target.files], database=database, force=force
    )
    return targets


WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls", ".ods")
OTHER_SUFFIXES: Final = (".csv", ".tsv", ".txt", ".json", ".xls", ".xlsm", ".ods")
"""Names --xlsx refuses: another format's, which Excel would open with a warning, if at all."""


def _refuse_wrong_kinds(out: Path | None, codebook: Path | None, xlsx: Path | None) -> None:
    """Exit 2 on a CSV named as a workbook or a workbook named otherwise: Excel refuses a
    file whose name says another format, and pandas guesses the format from it."""
    for flag, path in (("-o", out), ("--codebook", codebook)):
        if path is not None and path.suffix.lower() in WORKBOOK_SUFFIXES:
            hint = f"for a workbook, --xlsx {path}" if flag == "-o" else "the workbook holds one"
            raise click.BadParameter(
                f"{path.name} names a workbook, but {flag} writes CSV: name it .csv ({hint})",
                param_hint=f"'{flag}'",
            )
    if xlsx is not None and xlsx.suffix.lower() in OTHER_SUFFIXES:
        raise click.BadParameter(
            f"{xlsx.name}: a workbook's name ends in .xlsx, by which Excel and pandas know it",
            param_hint="'--xlsx'",
        )


def _given_filters(options: ExportOptions) -> dict[str, list[str]]:
    """The filters an export was given, in the order of --help: each flag and its values."""
    given = {
        "--status": [options.status] if options.status != "all" else [],
        "--stage": list(options.stages),
        "--untagged": [""] if options.untagged else [],
        "--channel": list(options.channels),
        "--since": [f"{options.since:%Y-%m-%d}"] if options.since else [],
        "--until": [f"{options.until:%Y-%m-%d}"] if options.until else [],
        "--flow-version": [str(version) for version in options.flow_versions],
    }
    return {flag: values for flag, values in given.items() if values}


def _note_other_flows(setup: DataSetup, options: ExportOptions) -> None:
    """A line per flow whose responses the database holds but this export left out."""
    from dataclasses import replace

    # --flow-version is left out: versions are each flow's own.
    said = [
        f"--status {options.status}" if flag == "--status" else flag
        for flag in _given_filters(options)
        if flag != "--flow-version"
    ]
    filters = ", ".join(said)
    matching = replace(options, flow_versions=()).response_filter if filters else None
    scope = "this export's " + filters
    for other in other_flows(setup.settings.db, setup.selected, matching):
        include = how_to_include(other, setup.settings.flow_paths(), "to its own file")
        click.echo(f"note: {held(other, scope)}; they are not in this export: {include}", err=True)


def _known_stages(
    db: Path | str, flows: list[Flow], stages: list[StageDef], codes: tuple[str, ...]
) -> tuple[str, ...]:
    """The --stage codes as the stages file writes them ("Aubenas" is aubenas); exit on one
    in no stages file that no response carries, as `stats` does: a typo, not an empty table."""
    from exports import UnknownStage, known_stages
    from storage import StorageError

    try:
        return known_stages(db, [flow.id for flow in flows], stages, codes)
    except (UnknownStage, StorageError) as error:
        fail(str(error))


def _counted(db: Path | str, filters: list[ResponseFilter]) -> list[int]:
    """How many responses each filter matches, whatever their status unless it says."""
    from storage import StorageError, open_snapshot

    try:
        with open_snapshot(db) as snapshot:
            return [sum(c.count for c in snapshot.count(matching)) for matching in filters]
    except StorageError as error:
        fail(str(error))


def _export_one(db: Path | str, options: ExportOptions, target: _Target, jobs: int | None) -> None:
    """One flow's files, then what was written (and any warning) on standard error."""
    from exports import default_workers, run_export
    from storage import StorageError

    # Data to standard output when asked (-o -) or no file is named: a pipe into another tool.
    named = target.csv is not None or target.xlsx is not None
    piped = target.to_stdout or not named
    stdout = sys.stdout.buffer if piped else None
    try:
        with interrupted_cleanly("the export"):
            result = run_export(
                db,
                target.flow,
                options,
                csv=target.csv if target.csv is not None else stdout,
                codebook=target.codebook,
                xlsx=target.xlsx,
                progress=progress_reporter(sys.stderr),
                workers=jobs or default_workers(),
            )
    except StorageError as error:
        fail(str(error))
    if stdout is not None:
        stdout.flush()
    click.echo(_summary_line(result, target.files, to_stdout=piped), err=True)
    for note in _notes(result, target.flow, options, db):
        click.echo(note, err=True)


def _summary_line(
    result: ExportResult, files: Iterable[Path | None], *, to_stdout: bool = False
) -> str:
    """'exported 12 responses (12 completed): 12 rows × 30 columns to responses.csv'."""
    counts = ", ".join(f"{n} {name}" for name, n in sorted(result.by_status.items()))
    what = f"{result.responses} response{'s' if result.responses != 1 else ''}"
    if counts:
        what += f" ({counts})"
    rows = f"{result.rows} row{'s' if result.rows != 1 else ''} × {len(result.columns)} columns"
    written = [str(path) for path in files if path is not None]
    if to_stdout and written:  # beside a file: where the CSV went too
        written.insert(0, "standard output")
    target = f" to {', '.join(written)}" if written else ""
    return f"exported {what}: {rows}{target}"


def _notes(result: ExportResult, flow: Flow, options: ExportOptions, db: Path | str) -> list[str]:
    """What to know of an export just written: nothing matched, personal data, rehearsals."""
    from storage import ResponseFilter

    notes = []
    if result.responses == 0:
        # With none at all, a filter (if only the default --status) is not what to check.
        none_yet = not _counted(db, [ResponseFilter(flow_id=flow.id)])[0]
        notes.append(nothing_exported(flow, options, none_yet=none_yet))
    if options.include_personal:
        notes.append(
            personal_warning(result.personal)
            if result.responses
            else "note: --include-personal: no response, so no personal data was written"
        )
    rehearsals = result.by_channel.get("terminal", 0)
    if rehearsals and not options.channels:
        notes.append(
            f"note: {rehearsals} of these {'was' if rehearsals == 1 else 'were'} answered in "
            "the terminal chat (rehearsals, as a rule); add --channel telegram --channel web "
            "to leave them out"
        )
    return notes


def nothing_exported(flow: Flow, options: ExportOptions, *, none_yet: bool = False) -> str:
    """Why an export has no response row: the filters given, each named, or none yet at all
    (`none_yet`: the flow has no response, whatever the filters).

    The files are written all the same (a header row, the codebook): a script
    reading them finds the columns it expects.
    """
    named = [f"{flag} {v}".rstrip() for flag, vs in _given_filters(options).items() for v in vs]
    if options.status == "completed":  # --status comes first of the filters given
        named[0] += " (the default: finished responses only; --status all for every one)"
    written = "only the header row was written"
    if none_yet or not named:
        return f"no response of flow '{flow.id}' in the database yet: {written}"
    which = "this filter" if len(named) == 1 else "these filters"
    return f"no response of flow '{flow.id}' matches {', '.join(named)}: {written}; check {which}"
