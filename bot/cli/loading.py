"""What commands load before their work: settings, flows and stages, the data of a report.

A problem is said on standard error, located, and exits: a setting with status 2,
named as it was given (flag or variable); the flow and stages files with status 1,
every problem at once. Then the checks several commands make of what was loaded:
a stage no one knows, a notice still the template's, a web link too long for a QR
code. `load_data` also picks the flows `export` and `stats` report on.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

import click

from bot.cli.common import fail, require_database

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

    from bot.settings import DataSettings, FlowSettings
    from flows import Catalogue, Flow, StageDef

T = TypeVar("T")
S = TypeVar("S", bound="BaseSettings")


def load_settings(kind: type[S], given_as: Mapping[str, str] | None = None, /, **flags: Any) -> S:
    """The settings of `kind` (the group a command uses) from the environment and `.env`,
    with the flags given on the command line on top.

    Only that group's settings are read, so a mistake in another (the bot's port,
    to an analyst exporting) stops nothing. A bad value exits with status 2, saying
    what is wrong, what it holds (never a secret) and where it came from: the flag
    when one was given (`--db`; `given_as` names a flag that is not the setting's,
    like migrate-db's --to for `db`), else the variable.
    """
    from pydantic import ValidationError

    # A flag for a setting the group does not hold would be dropped without a word.
    unknown = set(flags) - set(kind.model_fields)
    if unknown:
        raise TypeError(f"{kind.__name__} has no {', '.join(sorted(unknown))}")
    given = {key: value for key, value in flags.items() if value is not None}
    warn_of_unknown_names()
    if isinstance(given.get("db"), str):
        warn_of_password_flag((given_as or {}).get("db", "--db"), given["db"])
    try:
        return kind(**given)
    except OSError as error:
        # `.env` owned by another user (a service's, mode 600).
        if Path(error.filename or "").name != ".env":
            raise
        fail_env_file(error)
    except UnicodeDecodeError as error:
        # `.env`, the one file the settings read, saved in another encoding than UTF-8.
        fail_env_file(error)
    except ValidationError as error:
        for problem in error.errors():
            message = str(problem["msg"]).removeprefix("Value error, ")
            if not problem["loc"]:  # about several settings together: the message names them
                click.echo(f"error: {_as_given(message, given, given_as or {})}", err=True)
                continue
            name = _setting_name(problem["loc"], given, given_as or {})
            message = _number_expected(kind, problem) or message
            click.echo(f"error: {name}: {message}{_holding(problem)}", err=True)
        raise SystemExit(2) from None


def warn_of_password_flag(flag: str, url: str) -> None:
    """Warn, once a command, when the database URL given on the command line holds a password:
    anyone who lists the processes reads it there, for as long as `serve` or `run` runs."""
    from urllib.parse import parse_qs, urlsplit

    if "://" not in url:  # a SQLite file
        return
    try:
        parts = urlsplit(url)
        password = parts.password or "password" in parse_qs(parts.query)
    except ValueError:  # not a URL at all: refused as a setting, without showing it
        return
    context = click.get_current_context(silent=True)
    if not password or (context is not None and context.meta.get(f"surveybot.{flag}_warned")):
        return
    if context is not None:
        context.meta[f"surveybot.{flag}_warned"] = True
    click.echo(
        f"warning: the password in {flag} shows to anyone who lists the processes; "
        "put it in PGPASSWORD or ~/.pgpass instead",
        err=True,
    )


def warn_of_unknown_names() -> None:
    """Warn, once a command, of each SURVEYBOT_* name in `.env` or the environment that no
    setting has: ignored otherwise without a word, as a misspelt SURVEYBOT_STAGE was, and
    the bundled stages ran. The command still runs, as an unknown name was ignored before."""
    import difflib

    from bot.settings import setting_names

    context = click.get_current_context(silent=True)
    if context is not None:
        if context.meta.get("surveybot.names_checked"):
            return
        context.meta["surveybot.names_checked"] = True
    known = setting_names()
    for name, where in _names_given():
        if name.upper() in known:
            continue
        close = _meant(name.upper()) or difflib.get_close_matches(name.upper(), sorted(known), n=1)
        guess = f" (did you mean {close[0]}?)" if close else ""
        click.echo(f"warning: {where}{name} is not a surveybot setting; ignored{guess}", err=True)
    for warning in _unread_lines():
        click.echo(warning, err=True)


_MEANT = (
    (("DATABASE", "POSTGRES", "DSN", "SQLITE", "_PG"), "SURVEYBOT_DB"),
    (("TIME_ZONE", "_TZ"), "SURVEYBOT_TIMEZONE"),
)
"""Names other tools give these settings: guessed by meaning, where spelling would mislead
(SURVEYBOT_DATABASE_URL is closest in letters to SURVEYBOT_API_URL, Telegram's address)."""


def _meant(name: str) -> list[str]:
    return next(([setting] for words, setting in _MEANT if any(w in name for w in words)), [])


def _unread_lines() -> list[str]:
    """What `.env` holds that python-dotenv reads as no setting, line by line: a line that is
    not NAME=value, and a SURVEYBOT_* name alone (unset without a word, as if not written).

    Said here, once a command, rather than by python-dotenv each time settings are read
    (`bot.settings._DotenvWording`), with the same parser, so the same lines."""
    import io

    from dotenv.parser import parse_stream

    try:
        text = Path(".env").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):  # said when the settings are read, if they are
        return []
    warnings = []
    for binding in parse_stream(io.StringIO(text)):
        where = f"warning: .env, line {binding.original.line}"
        if binding.error:
            warnings.append(f"{where}: not NAME=value (a # starts a comment); ignored")
        elif binding.key and binding.value is None and SURVEYBOT_NAME.match(binding.key):
            warnings.append(f"{where}: {binding.key} alone, not NAME=value; ignored")
    return warnings


SURVEYBOT_NAME: Final = re.compile(r"SURVEYBOT_", re.IGNORECASE)
ENV_NAME: Final = re.compile(r"^\s*(?:export\s+)?(SURVEYBOT_\w*)\s*=", re.IGNORECASE)


def _names_given() -> list[tuple[str, str]]:
    """The SURVEYBOT_* names of `.env` (with their line) and of the environment."""
    names: list[tuple[str, str]] = []
    try:
        text = Path(".env").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):  # said when the settings are read, if they are
        text = ""
    for number, line in enumerate(text.splitlines(), 1):
        found = ENV_NAME.match(line)
        if found:
            names.append((found[1], f".env, line {number}: "))
    names += [
        (name, "environment variable ") for name in os.environ if name.startswith("SURVEYBOT_")
    ]
    return names


def fail_env_file(error: OSError | UnicodeDecodeError) -> NoReturn:
    """Exit with status 2 saying why `.env` cannot be read, and what to do."""
    where = Path(".env").absolute()
    if isinstance(error, UnicodeDecodeError):
        line = error.object[: error.start].count(b"\n") + 1
        why = f"it is not UTF-8 text (line {line}: byte {error.object[error.start]:#04x})"
        fix = "save it as UTF-8"
    else:
        why = error.strerror or str(error)
        fix = "make it readable by the user running surveybot, or run from another folder"
    click.echo(f"error: cannot read the settings in {where}: {why}; {fix}", err=True)
    raise SystemExit(2)


NUMBER_PROBLEMS: Final = frozenset(
    {
        *("int_parsing", "int_from_float", "int_type", "float_parsing", "float_type"),
        *("finite_number", "greater_than_equal", "less_than_equal"),
    }
)
"""pydantic's error types for a number setting that is not one, or out of its bounds."""


def _number_expected(kind: type[BaseSettings], problem: Mapping[str, Any]) -> str | None:
    """A number setting's refusal in plain words with its whole range, "should be a whole
    number from 1 to 65535", in place of pydantic's ("Input should be a valid integer,
    unable to parse string as an integer"); None for any other problem."""
    field = kind.model_fields.get(str(problem["loc"][0]))
    if problem["type"] not in NUMBER_PROBLEMS or field is None:
        return None
    # Field(ge=…, le=…) keeps each bound as an object of its own in the field's metadata.
    low = next((bound.ge for bound in field.metadata if hasattr(bound, "ge")), None)
    high = next((bound.le for bound in field.metadata if hasattr(bound, "le")), None)
    whole = field.annotation is int or int in typing.get_args(field.annotation)  # int | None
    what = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"should be {what} from {low:g} to {high:g}"
    return f"should be {what}"


def _holding(problem: Mapping[str, Any]) -> str:
    """What a setting holds, as ", got 'notaport'", after pydantic's own words ("Input should
    be a valid integer"), which do not say it; our validators' messages say it their way."""
    from bot.settings import SECRET_SETTINGS

    if problem["type"] == "value_error" or str(problem["loc"][0]) in SECRET_SETTINGS:
        return ""
    return f", got {problem['input']!r}"


def _as_given(message: str, given: Mapping[str, Any], flags: Mapping[str, str]) -> str:
    """`message` naming each setting as it was given: "SURVEYBOT_FLOW and --flows are both
    set" when the flows came from the flag, not the environment the message assumes."""
    return SETTING_IN_MESSAGE.sub(
        lambda found: _setting_name((found[1].lower(),), given, flags), message
    )


SETTING_IN_MESSAGE: Final = re.compile(r"\bSURVEYBOT_([A-Z_]+)\b")


def _setting_name(
    loc: tuple[int | str, ...], given: Mapping[str, Any], flags: Mapping[str, str]
) -> str:
    """`--db` if the setting came from a flag, `SURVEYBOT_DB` if from the environment,
    `SURVEYBOT_DB (.env, line 3)` if from `.env`."""
    field = str(loc[0])
    if field in given:
        return flags.get(field, "--" + field.replace("_", "-"))
    name = "SURVEYBOT_" + "_".join(str(part) for part in loc).upper()
    if name in os.environ:  # the environment wins over `.env`: the value came from there
        return name
    lines = [where for given_name, where in _names_given() if given_name.upper() == name]
    # Which line of `.env` to fix: an organiser may not know the file is read at all.
    return f"{name} ({lines[-1].removesuffix(': ')})" if lines else name


def load_flow_and_stages(settings: FlowSettings) -> tuple[Catalogue, list[StageDef]]:
    """The flows and stages, or every located problem of them all on standard error and exit 1.

    Also a stage naming a flow not configured, located, and, with several flows,
    what keeps them from running together (two with one audience code...): all
    at once, a stages file with other problems checked against the flows too.
    """
    from flows import (
        Catalogue,
        FlowFileError,
        catalogue_problems,
        load_flow,
        load_stages,
        stage_flow_problems,
        stage_link_problems,
    )

    problems: list[str] = []
    paths = settings.flow_paths()
    flows = [_loaded(load_flow, path, problems) for path in paths]
    # A flow that does not load is known by the `id:` written at the top of its file.
    given = [path if flow is None else flow for flow, path in zip(flows, paths, strict=True)]
    located = stage_flow_problems(settings.stages_path(), given)
    loaded = [flow for flow in flows if flow is not None]
    # Its warnings (a code holding "__" while one flow runs) are validate's to say.
    located += [p for p in stage_link_problems(settings.stages_path(), loaded) if not p.warning]
    try:
        stages = load_stages(settings.stages_path())
    except FlowFileError as error:
        stages = None
        located += error.problems
    problems += [str(problem) for problem in sorted(located, key=lambda p: p.line or 0)]
    problems += where_missing_paths_come_from(settings)
    if len(loaded) == len(flows):
        problems += [f"error: {problem}" for problem in catalogue_problems(loaded)]
    _exit_if(problems)
    assert stages is not None
    return Catalogue.of(loaded), stages


def where_missing_paths_come_from(settings: FlowSettings) -> list[str]:
    """For a flow or stages file not found, which setting gave its path, and where: "file not
    found" alone sends an organiser looking for the file, not for the typo in `.env`."""
    from bot.settings import BUNDLED

    notes = []
    for field, paths in (
        ("flow", [settings.flow]),
        ("flows", list(settings.flows)),
        ("stages", [settings.stages]),
    ):
        for path in paths:
            if path is None or str(path) == BUNDLED or path.exists():
                continue
            origin = _origin(f"SURVEYBOT_{field.upper()}", path)
            if origin is not None:
                notes.append(f"{path}: its path is given by {origin}; correct it there")
    return notes


def _origin(name: str, path: Path) -> str | None:
    """Where the setting `name` holding `path` was written, if it was (not a flag)."""
    if name in os.environ:
        return f"the environment variable {name}" if path.name in os.environ[name] else None
    for given, where in reversed(_names_given()):
        if given.upper() == name:
            line = int(where.split("line ")[1].rstrip(": "))
            text = Path(".env").read_text(encoding="utf-8-sig").splitlines()[line - 1]
            return f"{name} ({where.removesuffix(': ')})" if path.name in text else None
    return None


def _loaded(load: Callable[[Path], T], path: Path, problems: list[str]) -> T | None:
    """`load(path)`, or None with its located problems added to `problems`."""
    from flows import FlowFileError

    try:
        return load(path)
    except FlowFileError as error:
        problems += [str(problem) for problem in error.problems]
        return None


def _exit_if(problems: list[str]) -> None:
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise SystemExit(1)


def refuse_unknown_stage(stages: Sequence[StageDef], code: str) -> NoReturn:
    """Exit naming the known stages: `code` is in no stages file and no response carries it.

    Most likely a typo, which would otherwise give an empty table and no error.
    """
    from exports import unknown_stage

    fail(unknown_stage(stages, code))


TEMPLATE_NOTICE = (
    "still holds {mark!r}: write the one your respondents will read before they do "
    "(docs/privacy.md)"
)
"""What is said of a notice still the template's, after "the notice (of …)"."""


def warn_of_template_notices(catalogue: Catalogue) -> None:
    """Say, before a bot or web chat starts, which notices are still the template's."""
    from flows import template_marks

    for flow in catalogue.flows:
        marks = template_marks(flow)
        if marks:  # one line a questionnaire: its other languages' marks say the same
            said = TEMPLATE_NOTICE.format(mark=marks[0])
            click.echo(f"warning: the notice of questionnaire '{flow.id}' {said}", err=True)


def refuse_public_url_too_long(
    public_url: str | None, catalogue: Catalogue, stages: Sequence[StageDef]
) -> None:
    """Exit with status 2, as `links` does, if a workshop's web link is too long for a QR
    code: `run` and `serve` would start, and `/qr` would say so only at the workshop."""
    from organiser import LinkError, check_url_fits, longest_web_link

    if public_url is None:
        return
    # One link per stage and audience with several questionnaires, as `links` makes them.
    flows = catalogue.flows if catalogue.several else []
    audiences = [flow.audience.code for flow in flows if flow.audience is not None]
    try:
        longest = longest_web_link(public_url, stages, audiences)
        if longest is not None:
            check_url_fits(longest)
    except LinkError as error:
        click.echo(f"error: SURVEYBOT_PUBLIC_URL: {error}", err=True)
        raise SystemExit(2) from None


@dataclass(frozen=True)
class DataSetup:
    """What `export` and `stats` read: the settings, every flow configured, the stages, and
    the flows to report on (every one, or the one --flow picks)."""

    settings: DataSettings
    catalogue: Catalogue
    stages: list[StageDef]
    selected: list[Flow]


def load_data(
    db: str | None,
    flow: Path | None,
    flows: str | None,
    stages: Path | None,
    *,
    database_required: bool = False,
) -> DataSetup:
    """The settings and flows of `export` and `stats`, from their data options.

    --flow names a flow file; with several flows configured (--flows or
    SURVEYBOT_FLOWS) it picks one of them instead, by its file, id or audience
    code, rather than being refused as a second flow setting nobody gave.
    """
    from bot.settings import DataSettings

    file, name = _flow_file_or_name(flow)
    settings = load_settings(DataSettings, db=db, flows=flows, stages=stages)
    if file is not None and not settings.flows:
        settings = load_settings(DataSettings, db=db, flow=file, stages=stages)
        file = None  # the only flow: nothing to pick
    if database_required:
        require_database(settings.db)
    catalogue, loaded_stages = load_flow_and_stages(settings)
    if file is not None:
        configured = "--flows" if flows is not None else "SURVEYBOT_FLOWS"
        selected = [_flow_of_file(catalogue, settings.flow_paths(), file, configured)]
    else:
        selected = _chosen_flows(catalogue, name)
    return DataSetup(settings, catalogue, loaded_stages, selected)


def _flow_file_or_name(flow: Path | None) -> tuple[Path | None, str | None]:
    """What --flow names: a flow file, or (a bare word) one of several flows configured."""
    from bot.settings import is_flow_file_name

    if flow is None or is_flow_file_name(flow) or flow.exists() or len(flow.parts) > 1:
        return flow, None
    return None, str(flow)


def _flow_of_file(catalogue: Catalogue, paths: list[Path], file: Path, configured: str) -> Flow:
    """The configured flow read from `file`, or exit naming the files configured."""
    for flow, path in zip(catalogue.flows, paths, strict=True):
        if _same_file(path, file):
            return flow
    fail(
        f"--flow {file} is not one of the flows {configured} configures "
        f"({', '.join(str(path) for path in paths)}): give one of them (its file, id or "
        f"audience code), or leave {configured} out to read {file} alone"
    )


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist: then loading it has failed already
        return os.path.realpath(one) == os.path.realpath(other)


def _chosen_flows(catalogue: Catalogue, name: str | None) -> list[Flow]:
    """Every flow configured, or the one `name` gives (its id or audience code)."""
    if name is None:
        return list(catalogue.flows)
    flow = catalogue.by_id(name) or catalogue.by_audience(name)
    if flow is None:
        known = ", ".join(
            f"{f.id} ({f.audience.code})" if f.audience else f.id for f in catalogue.flows
        )
        fail(f"no flow '{name}' among those configured; give one of: {known}{_bundled_hint(name)}")
    return [flow]


def _bundled_hint(name: str) -> str:
    """How to reach `name` when it is one of the bundled questionnaires, not configured:
    `--flow territoire` as the analysts' guide writes it, without `--flows bundled`."""
    from bot.settings import BUNDLED_FLOWS
    from flows import FlowFileError, bundled_path, load_flow

    for file in BUNDLED_FLOWS:
        try:
            flow = load_flow(bundled_path(file))
        except FlowFileError:  # not expected of a bundled file; no hint then
            continue
        if name in (flow.id, flow.audience.code if flow.audience else None):
            return f" ('{name}' is a bundled questionnaire: add --flows bundled)"
    return ""
