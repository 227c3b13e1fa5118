"""`surveybot validate` and `surveybot schema`: checking flow and stages files, and their schema."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import database_label
from bot.cli.loading import TEMPLATE_NOTICE, load_settings, where_missing_paths_come_from
from bot.cli.options import CONTEXT, DATA_OPTIONS

if TYPE_CHECKING:
    from bot.settings import FlowSettings
    from flows import Flow, Problem, StageDef


@click.command(context_settings=CONTEXT)
# Any path: a folder, a missing or unreadable file is one more located problem, not a usage error.
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--db",
    metavar="PATH|URL",
    help="Also check each flow against the versions this database has run: a flow changed "
    "under the same `version` would be refused at start (SURVEYBOT_DB; default: "
    "surveybot.sqlite3, checked only if it exists).",
)
@DATA_OPTIONS[1]
@DATA_OPTIONS[2]
@DATA_OPTIONS[3]
def validate(
    files: tuple[Path, ...],
    db: str | None,
    flow: Path | None,
    flows: str | None,
    stages: Path | None,
) -> None:
    """Check flow and stages files; print every problem, located, and exit 1 if any.

    Warnings ("FILE:LINE: warning: ...") are printed too but do not fail the check.
    Without FILES, checks the configured (or bundled) flows and stages, and, with
    several flows (SURVEYBOT_FLOWS), that they can run together (stages files given
    alone, too). A stage's
    `flow:` must name one of the flow files given, or, if none is, of the
    configured flows.

    Without FILES, --flow, --flows and --stages name what to check as for the other
    commands (`validate --flows bundled` checks both bundled questionnaires together).

    Example: surveybot validate flows/data/questionnaire.yaml my-stages.yaml
    """
    from flows import validate_file

    configured = not files
    if configured:
        settings = _flow_settings()
        files = (*settings.flow_paths(), settings.stages_path())
    reports = [(path, validate_file(path)) for path in files]
    loaded, dated = _flows_and_stage_flows(reports)
    unread = _against_database(reports, db)
    together: list[Flow] = []
    if configured and len(loaded) == len(files) - 1:  # the files: the flows, then the stages
        together = loaded
    elif not configured and not loaded and dated:
        # Stages files alone: checked with the configured flows they will run with, as
        # `links` and a start check them (a code too long for a link with an audience).
        together = [flow for flow in _configured_flows([]) if not isinstance(flow, Path)]
    _add_stage_link_problems(reports, together)
    _add_stale_years(reports, dated)
    failed = False
    for path, problems in reports:
        failed = _show(path, problems) or failed
    if configured:
        for note in where_missing_paths_come_from(settings):
            click.echo(note)
    if len(together) > 1:
        failed = _flows_together(together) or failed
    raise SystemExit(1 if failed or unread else 0)


Report = tuple[Path, list["Problem"]]


def _flow_settings() -> FlowSettings:
    """The flows and stages configured, with this run's --flow, --flows and --stages on top."""
    from bot.settings import FlowSettings

    given = click.get_current_context().params
    names = ("flow", "flows", "stages")
    return load_settings(FlowSettings, **{name: given.get(name) for name in names})


def _show(path: Path, problems: list[Problem]) -> bool:
    """Print a file's problems, then its count on standard error; True if it has errors."""
    for problem in problems:
        click.echo(str(problem))
    errors = _errors(problems)
    warnings = len(problems) - errors
    # Warnings (a button label a phone cuts) are worth fixing, but the file runs as it is.
    noted = f", {warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""
    if errors:
        click.echo(f"{path}: {errors} problem{'s' if errors > 1 else ''}{noted}", err=True)
    else:
        click.echo(f"{path}: ok{noted}", err=True)
    return bool(errors)


def _errors(problems: list[Problem]) -> int:
    return sum(1 for problem in problems if not problem.warning)


def _flows_and_stage_flows(reports: list[Report]) -> tuple[list[Flow], list[StageDef]]:
    """The flows and stages that load; each stage naming no flow added to its file's report.

    Stages are checked in a stages file with other problems too, so that one run
    says everything: against the flows that load and the `id:` written at the
    top of those that do not. With stages files alone, the flows are the
    configured ones (their own problems, if they have any, become reports of
    their own).
    """
    from flows import (
        Flow,
        FlowFileError,
        load_flow,
        load_stages,
        missing_noun_language,
        stage_flow_problems,
    )

    flows: list[Flow] = []
    stages: list[StageDef] = []
    broken: list[Path] = []  # flow or stages files with problems: both kinds are read
    others: list[Report] = []  # every report but those of the flows that load
    for path, problems in reports:
        if _errors(problems):
            broken.append(path)
        else:
            try:
                flows.append(load_flow(path))
                problems += _template_notice(path, flows[-1])
                continue
            except FlowFileError:
                with suppress(FlowFileError):  # changed since it was checked: its report stands
                    stages += load_stages(path)
        others.append((path, problems))
    given: list[Flow | Path] = [*flows, *broken]
    # A flow file with problems: its languages are unknown. (A broken stages file is not.)
    flow_broken = any(_is_flow_file(report) for report in others if report[0] in broken)
    configured = not flows and not flow_broken
    if configured:
        given = [*_configured_flows(reports), *broken]
    offered = {lang for flow in given if isinstance(flow, Flow) for lang in flow.languages}
    # "Give your flow file too, or set SURVEYBOT_FLOW(S)" only when neither is set: the
    # bundled flow may not be the author's. Set, the flows are theirs: "give one of their ids".
    unset = configured and _flows_unset()
    for path, problems in others:
        found = stage_flow_problems(path, given, configured=unset)
        if found:  # in the order of the file, as its other problems
            problems[:] = sorted([*problems, *found], key=lambda problem: problem.line or 0)
        if offered and not flow_broken:  # an English-only survey is not told to add a French noun
            problems[:] = [
                p for p in problems if missing_noun_language(p.message) in (None, *offered)
            ]
    return flows, stages


def _template_notice(path: Path, flow: Flow) -> list[Problem]:
    """A warning where the notice still holds the template's mark, as `run` and `serve` say at
    start: the file is valid (it is the template), but respondents would read the mark."""
    from flows import Problem, template_marks

    marks = template_marks(flow)
    if not marks:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if marks[0] in text), None)
    said = TEMPLATE_NOTICE.format(mark=marks[0])
    return [Problem(str(path), line, f"the notice {said}", warning=True)]


def _flows_unset() -> bool:
    """Whether neither SURVEYBOT_FLOW nor SURVEYBOT_FLOWS is set: the flows checked are the
    bundled ones by default, not necessarily those of the stages file's author."""

    settings = _flow_settings()
    return settings.flow is None and not settings.flows


def _is_flow_file(report: Report) -> bool:
    """Whether a file with problems is a flow file: loading it as one finds the same.

    (A stages file loaded as a flow has other problems: no `id:`, no `sections:`.)
    """
    from flows import FlowFileError, load_flow

    path, problems = report
    try:
        load_flow(path)
    except FlowFileError as error:
        return error.problems == [problem for problem in problems if not problem.warning]
    return True


def _configured_flows(reports: list[Report]) -> list[Flow | Path]:
    """The flows the bot runs, those that do not load by their path, their problems added
    to `reports`."""
    from flows import FlowFileError, load_flow

    flows: list[Flow | Path] = []
    for path in _flow_settings().flow_paths():
        try:
            flows.append(load_flow(path))
        except FlowFileError as error:
            reports.append((path, error.problems))
            flows.append(path)
    return flows


def _against_database(reports: list[Report], db: str | None) -> bool:
    """Add to each flow file's report what the database would refuse at start: questions
    changed under a `version` it already ran. True if the database --db names cannot be read.

    The configured database is read only if it exists: before a first run there is
    nothing to compare with, and validating must not create one.
    """
    from pydantic import ValidationError

    from bot.settings import DatabaseSettings
    from conversation import version_changed
    from flows import Problem
    from storage import NoTablesYet, StorageError, open_snapshot

    flows = _loaded_flows(reports)
    if not flows:
        return False
    if db is not None:
        target = load_settings(DatabaseSettings, db=db).db  # a bad --db: exit 2, said
    else:
        try:  # a bad SURVEYBOT_DB is the commands' that use it to refuse, not validate's
            target = DatabaseSettings().db
        except (ValidationError, OSError):
            return False
    shown = database_label(target)  # a URL's password never printed
    try:
        if db is None and isinstance(target, Path) and _absent(target):
            return False
        with open_snapshot(target) as snapshot:
            changed = [version_changed(f, snapshot.flow_versions(f.id)) for _, f, _ in flows]
    except NoTablesYet:  # a new database (`createdb`): no version run yet to differ from
        return False
    except StorageError as error:
        if db is not None:
            click.echo(f"error: {error}", err=True)
            return True
        # The configured database: said, but the files are what is checked.
        click.echo(f"note: the flows were not compared with {shown}: {error}", err=True)
        return False
    for (path, _, problems), problem in zip(flows, changed, strict=True):
        if problem is not None:
            line = _version_line(path)
            problems.append(Problem(str(path), line, problem, where=f"database {shown}"))
    return False


def _absent(path: Path) -> bool:
    """No database file at `path`; StorageError, said as every command says it, if its
    folder is another user's (Python 3.11's `Path.exists()` lets that PermissionError out)."""
    from storage import not_permitted

    try:
        return not path.exists()
    except PermissionError:
        raise not_permitted(path, "read database") from None


def _loaded_flows(reports: list[Report]) -> list[tuple[Path, Flow, list[Problem]]]:
    """The flow files without errors, each with its flow and its report's problems."""
    from flows import FlowFileError, load_flow

    loaded = []
    for path, problems in reports:
        if not _errors(problems):
            with suppress(FlowFileError):  # a stages file
                loaded.append((path, load_flow(path), problems))
    return loaded


def _version_line(path: Path) -> int | None:
    """The line of the flow file's top-level `version:`, where the fix goes."""
    with suppress(OSError, UnicodeDecodeError):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        return next((n for n, line in enumerate(lines, 1) if line.startswith("version:")), None)
    return None


def _add_stage_link_problems(reports: list[Report], flows: list[Flow]) -> None:
    """Add to each stages file's report, at its stage's line, what keeps a stage from its
    links with these flows run together (a code too long with an audience's): said
    against the file, which is then not called ok. With one flow or none known, a code
    holding `__` is warned of."""
    from flows import stage_link_problems

    for path, problems in reports:
        found = stage_link_problems(path, flows)
        if found:  # in the order of the file, as its other problems
            problems[:] = sorted([*problems, *found], key=lambda problem: problem.line or 0)


def _add_stale_years(reports: list[Report], stages: list[StageDef]) -> None:
    """Warn, in each flow's report, of a year question ending before the workshops given."""
    from flows import stale_year_bounds

    for path, flow, problems in _loaded_flows(reports):
        found = stale_year_bounds(path, flow, stages)
        if found:
            problems[:] = sorted([*problems, *found], key=lambda problem: problem.line or 0)


def _flows_together(flows: list[Flow]) -> bool:
    """Print what keeps the configured flows from running together; True if anything does."""
    from flows import catalogue_problems

    problems = catalogue_problems(flows)
    for problem in problems:
        click.echo(f"SURVEYBOT_FLOWS: {problem}")
    if not problems:
        click.echo(f"{len(flows)} flows: ok together", err=True)
    return bool(problems)


@click.command(context_settings=CONTEXT)
@click.option("--stages", "for_stages", is_flag=True, help="The schema of a stages file instead.")
def schema(for_stages: bool) -> None:
    """Print the JSON Schema of flow files, for editor autocompletion.

    Example: surveybot schema > flow.schema.json  (then, at the top of a flow file:
    # yaml-language-server: $schema=flow.schema.json)
    """
    import json

    from flows import Flow, StagesFile

    model = StagesFile if for_stages else Flow
    click.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))
