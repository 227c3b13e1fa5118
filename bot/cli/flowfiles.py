"""`surveybot validate` and `surveybot schema`: checking flow and stages files, and their schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import CONTEXT, load_settings

if TYPE_CHECKING:
    from bot.settings import Settings


@click.command(context_settings=CONTEXT)
# Any path: a folder, a missing or unreadable file is one more located problem, not a usage error.
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check flow and stages files; print every problem, located, and exit 1 if any.

    Warnings ("FILE:LINE: warning: ...") are printed too but do not fail the check.
    Without FILES, checks the configured (or bundled) flows and stages, and, with
    several flows (SURVEYBOT_FLOWS), that they can run together.

    Example: surveybot validate flows/data/questionnaire.yaml my-stages.yaml
    """
    from flows import validate_file

    configured = not files
    if configured:
        settings = load_settings()
        files = (*settings.flow_paths(), settings.stages_path())
    failed = False
    for path in files:
        problems = validate_file(path)
        for problem in problems:
            click.echo(str(problem))
        errors = sum(1 for problem in problems if not problem.warning)
        warnings = len(problems) - errors
        # Warnings (a button label a phone cuts) are worth fixing, but the file runs as it is.
        noted = f", {warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""
        if errors:
            failed = True
            click.echo(f"{path}: {errors} problem{'s' if errors > 1 else ''}{noted}", err=True)
        else:
            click.echo(f"{path}: ok{noted}", err=True)
    if configured and not failed and len(files) > 2:
        failed = _flows_together(settings)
    raise SystemExit(1 if failed else 0)


def _flows_together(settings: Settings) -> bool:
    """Print what keeps the configured flows from running together; True if anything does."""
    from flows import catalogue_problems, load_flow, load_stages

    flows = [load_flow(path) for path in settings.flow_paths()]
    problems = catalogue_problems(flows, load_stages(settings.stages_path()))
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
