"""Read flow and stages files: YAML -> pydantic models, with every problem located.

YAML is composed into a node tree (which keeps line numbers) and constructed
from it, so a pydantic error's `loc` can be walked down the same tree to the
line it is about (`flows.locations`). `flows.yamlfile` reads the file and
composes it, refusing what could hurt (anchors and aliases, a huge file) before
any value is built.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from flows.brace_checks import brace_warnings
from flows.checks import Unread, check_flow, language_warnings
from flows.codelists import resolve_code_lists
from flows.errors import FlowFileError, Problem
from flows.export_names import check_export_names
from flows.file_kinds import (
    NOT_A_FLOW,
    NOT_STAGES,
    guessed_model,
    looks_like_flow,
    looks_like_stages,
    renamed_to_stages,
    slip_message,
    stages_slip,
)
from flows.label_checks import label_warnings
from flows.language_guess import unsaid_english_warnings
from flows.limits import check_limits
from flows.locations import (
    child,
    clean_loc,
    is_member_tag,
    line_of,
    message_of,
    quote_hint,
    union_message,
    where,
)
from flows.model import Flow
from flows.never_true import never_shown_warnings
from flows.paths import Loc
from flows.repair import Repaired, repaired_flow
from flows.set_aside import set_aside_checks
from flows.stage_nouns import called_checks, noun_message
from flows.stages import StageDef, StagesFile, twin_stages
from flows.unlisted import Said, gathered
from flows.written_checks import check_stage_codes, check_written
from flows.yaml_slips import yaml_problem
from flows.yamlfile import PlainLoader, Refusal, read_text

BOOL_TAG = "tag:yaml.org,2002:bool"
STR_TAG = "tag:yaml.org,2002:str"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# Keys whose values are codes, ids or texts: a YAML 1.1 boolean there is a trap.
STRING_KEYS = frozenset(
    {"code", "id", "question", "equals", "in", "label", "text", "title", "city", "flow"}
    | {"one", "many"}  # a stage's noun (`called:`)
)
# Keys whose values really are booleans: `required: yes` means what it says.
BOOL_KEYS = frozenset(
    {"required", "other", "exclusive", "dont_know", "integer", "example", "elision", "an"}
)


def bundled_path(name: str) -> Path:
    """The path of a file shipped in `flows/data/` (the bundled questionnaire and stages)."""
    return Path(str(resources.files("flows") / "data" / name))


def load_flow(path: str | Path) -> Flow:
    """Load and check a flow file; raise FlowFileError listing every problem (not warnings)."""
    # Without the warnings that take time to find (conditions never true): every command
    # loads its flows at start, and only `validate` says them.
    flow, problems = _examined_flow(_read(path), warned=False)
    _raise_errors(problems)
    assert flow is not None
    return flow


def load_stages(path: str | Path) -> list[StageDef]:
    """Load and check a stages file; raise FlowFileError listing every problem."""
    stages, problems = _examined_stages(_read(path))
    _raise_errors(problems)
    assert stages is not None
    return stages


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem and warning in a flow or stages file (a top-level `stages` key tells).

    In the order of the file, each once.
    """
    try:
        document = _read(path)
    except FlowFileError as error:
        return error.problems
    if guessed_model(document.data) is StagesFile:
        return _examined_stages(document)[1]
    return _examined_flow(document)[1]


def _raise_errors(problems: list[Problem]) -> None:
    errors = [problem for problem in problems if not problem.warning]
    if errors:
        raise FlowFileError(errors)


def _examined_flow(
    document: _Document, *, warned: bool = True
) -> tuple[Flow | None, list[Problem]]:
    """The flow (None if it has errors) and every problem found, schema and cross-checks;
    without the conditions never true (`never_true`, a search) unless `warned`.

    When parts of the file do not fit the schema, those parts are set aside and
    the cross-checks still run on the rest, so one pass reports everything.
    """
    if looks_like_stages(document.data):
        return None, [Problem(document.file, 1, NOT_A_FLOW)]
    problems = list(document.problems)
    problems += resolve_code_lists(document.file, document.node, document.data)
    schema = _schema_problems(document, Flow)
    problems += schema
    # Read as written: a question set aside below still takes its id, and is still
    # checked for what can be seen without its broken part.
    problems += [_locate(document, *found) for found in check_written(document.data)]
    repaired = (
        repaired_flow(document.data)
        if schema
        else Repaired(Flow.model_validate(document.data), {}, frozenset())
    )
    if repaired is not None:
        repaired = replace(repaired, unread=_placed(document.data, repaired.unread))
        flow = repaired.flow
        errors, warnings = check_limits(flow)
        errors += check_flow(flow, repaired.unread, repaired.original)
        said: list[Said] = []
        for found, warning in (
            (errors, False),
            # A question named like an export column, or never shown: warned, not refused,
            # since a flow that already runs must go on starting.
            (
                warnings
                + (never_shown_warnings(flow, errors) if warned else [])
                + language_warnings(flow)
                + unsaid_english_warnings(flow)
                + check_export_names(flow)
                + brace_warnings(flow)
                + label_warnings(flow),
                True,
            ),
        ):
            said += [(repaired.original(loc), message, warning) for loc, message in found]
        said += [
            (loc, message, False) for loc, message in set_aside_checks(document.data, repaired)
        ]
        given = "languages" in document.data
        line = functools.partial(line_of, document.node)
        for loc, message, warning in gathered(said, flow.languages, given, line):
            problems.append(replace(_locate(document, loc, message), warning=warning))
    problems = _sorted(list(dict.fromkeys(problems)))
    if any(not problem.warning for problem in problems) or repaired is None:
        return None, problems
    return repaired.flow, problems


def _placed(data: Any, unread: frozenset[str]) -> Unread:
    """The questions set aside, each with where it is first written in the file: a
    condition or a pipe naming one written later is said, as for a question that parsed."""
    at: dict[str, tuple[int, int]] = {}
    sections = data.get("sections") if isinstance(data, dict) else None
    for si, section in enumerate(sections if isinstance(sections, list) else []):
        steps = section.get("steps") if isinstance(section, dict) else None
        for qi, step in enumerate(steps if isinstance(steps, list) else []):
            key = step.get("id") if isinstance(step, dict) else None
            if isinstance(key, str) and key in unread:
                at.setdefault(key, (si, qi))
    return Unread(unread, at)


def _examined_stages(document: _Document) -> tuple[list[StageDef] | None, list[Problem]]:
    """The stages, each holding what it is called (None if the file has errors), and every
    problem found: the schema's, codes given twice, and the `called:` blocks' own."""
    slip = stages_slip(document.data)
    if slip is None and looks_like_flow(document.data):
        return None, [Problem(document.file, 1, NOT_STAGES)]
    problems = list(document.problems)
    if slip is not None:
        problems.append(_locate(document, (slip,), slip_message(slip)))
        document.data = renamed_to_stages(document.node, document.data, slip)
    problems += _schema_problems(document, StagesFile)
    problems += _stage_code_problems(document)
    errors, warnings = called_checks(document.data)
    problems += [_locate(document, loc, message) for loc, message in errors]
    problems += [replace(_locate(document, *found), warning=True) for found in warnings]
    # Two stages read alike in the lists (an old code kept beside the new): warned, as it runs.
    twins = twin_stages(document.data, lambda index: line_of(document.node, ("stages", index)))
    problems += [replace(_locate(document, *found), warning=True) for found in twins]
    problems = _sorted(list(dict.fromkeys(problems)))
    if any(not problem.warning for problem in problems):
        return None, problems
    return StagesFile.model_validate(document.data).resolved(), problems


# --- reading ------------------------------------------------------------------


@dataclass
class _Document:
    file: str
    node: yaml.Node | None
    data: Any
    problems: list[Problem] = field(default_factory=list)
    """Found while reading (YAML traps), reported with the rest."""


def _read(path: str | Path) -> _Document:
    file = str(path)
    text = read_text(path)
    try:
        loader = PlainLoader(text, file)
    except yaml.reader.ReaderError as error:  # checked before parsing: a control character
        line = text.count("\n", 0, error.position) + 1
        message = f"invalid YAML: character #x{error.character:04x} is not allowed; remove it"
        raise FlowFileError([Problem(file, line, message)]) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _raise_refusals(file, node, loader.refusals)
            _check_scalars(file, loader, node)
        traps = list(_yaml_traps(node)) if node is not None else []
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise FlowFileError([yaml_problem(file, text, error)]) from None
    finally:
        loader.dispose()
    if node is None:
        empty = "the file is empty" + ("" if not text.strip() else " (it holds only comments)")
        raise FlowFileError([Problem(file, 1, empty)])
    if not isinstance(data, dict):
        raise FlowFileError([Problem(file, 1, _not_a_mapping(data))])
    document = _Document(file, node, data)
    if traps:
        # Report the traps, and what else is wrong, in one go.
        assert node is not None
        _repair_booleans(node, data)
        document.problems = [
            Problem(file, line, message, where(node, loc)) for loc, message, line in traps
        ]
    return document


def _not_a_mapping(data: Any) -> str:
    """What to say of a file whose top is not `key: value` lines: a list of stages without
    its `stages:` line above it is told so."""
    if (
        isinstance(data, list)
        and data
        and all(isinstance(item, dict) and "code" in item and "city" in item for item in data)
    ):
        return (
            "this is a list of stages without the `stages:` line above it: write "
            "`stages:` on the first line, and the list under it"
        )
    return "the file must hold a YAML mapping of keys"


def _raise_refusals(file: str, root: yaml.Node, refusals: list[Refusal]) -> None:
    """Every anchor and alias, located, each named once per line; nothing is built from them."""
    if not refusals:
        return
    locs = {id(node): loc for loc, _, node in _walk(root, (), keys=True)}
    found = {
        Problem(file, refusal.line, refusal.message, where(root, locs.get(id(refusal.node), ())))
        for refusal in refusals
    }
    raise FlowFileError(_sorted(list(found)))


def _yaml_traps(root: yaml.Node) -> Iterator[tuple[Loc, str, int]]:
    """Duplicate keys (YAML keeps the last silently) and unquoted yes/no read as booleans.

    Each comes with its own line: a loc would find the first of two duplicate keys.
    """
    for loc, key, node in _walk(root, ()):
        if isinstance(node, yaml.MappingNode):
            if loc == ("called",) or (len(loc) == 3 and loc[::2] == ("stages", "called")):
                yield from _language_key_traps(loc, node)
            seen: set[str] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue  # a list or mapping as a key: construction says where
                if key_node.value in seen:
                    yield (
                        (*loc, key_node.value),
                        f"duplicate key '{key_node.value}'",
                        key_node.start_mark.line + 1,
                    )
                seen.add(key_node.value)
        elif _is_trap(key, node):
            assert isinstance(node, yaml.ScalarNode)
            yield (
                loc,
                (
                    f"'{node.value}' is read as a boolean (YAML reads unquoted "
                    f"yes/no/on/off/true/false that way); quote it: '{node.value}'"
                ),
                node.start_mark.line + 1,
            )


def _check_scalars(file: str, loader: yaml.SafeLoader, root: yaml.Node) -> None:
    """Refuse, located, a value its type cannot read (`!!int abc`, a 5000-digit number).

    PyYAML would raise a bare ValueError (IndexError, AttributeError...) while
    constructing it, with no line. An unquoted impossible date (2019-02-30) is
    kept as text, for the model to report.
    """
    problems = []
    for loc, _, node in _walk(root, (), keys=True):
        construct = loader.yaml_constructors.get(node.tag)
        if not isinstance(node, yaml.ScalarNode) or construct is None:
            continue
        if inspect.isgeneratorfunction(construct):
            continue  # a list or mapping type: construction reports a scalar there itself
        try:
            construct(loader, node)
        except yaml.MarkedYAMLError:
            raise  # located already (bad base64): reported as invalid YAML
        except Exception:  # one text into one value: any failure means it is unreadable
            if node.tag == TIMESTAMP_TAG:
                node.tag = STR_TAG
                continue
            kind = node.tag.rsplit(":", 1)[-1]
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            message = f"'{shown}' cannot be read as {kind}; quote it if it is meant as text"
            problems.append(Problem(file, node.start_mark.line + 1, message, where(root, loc)))
    if problems:
        raise FlowFileError(_sorted(problems))


def _walk(
    node: yaml.Node, loc: Loc, key: str | None = None, *, keys: bool = False
) -> Iterator[tuple[Loc, str | None, yaml.Node]]:
    """Every node with its loc and the mapping key it sits under (list items inherit it).

    With `keys`, the key nodes too, at their mapping's loc. The tree is a tree:
    `PlainLoader` lets no node be shared or contain itself.
    """
    yield loc, key, node
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if keys:
                yield from _walk(key_node, loc, key, keys=True)
            yield from _walk(value, (*loc, key_node.value), key_node.value, keys=keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*loc, index), key, keys=keys)


def _language_key_traps(loc: Loc, node: yaml.MappingNode) -> Iterator[tuple[Loc, str, int]]:
    """A stages file's `called:` languages read as something else than text: Norwegian's
    `no:` is a boolean to YAML, `1:` a number, `~:` nothing (said here, on the key's line)."""
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != STR_TAG:
            word = key_node.value
            yield (
                (*loc, word),
                f"'{word}' is not read as text, so not as a language code; quote it: '{word}'",
                key_node.start_mark.line + 1,
            )


def _is_trap(key: str | None, node: yaml.Node) -> bool:
    if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL_TAG:
        return False
    if key in BOOL_KEYS:
        return False
    return key in STRING_KEYS or node.value.lower() not in ("true", "false")


def _repair_booleans(root: yaml.Node, data: Any) -> None:
    """Put back the text of trapped booleans so validation can go on past them."""
    for loc, key, node in _walk(root, ()):
        if loc and _is_trap(key, node):
            parent = data
            for part in loc[:-1]:
                parent = child(parent, part)
            if isinstance(parent, dict | list):
                parent[loc[-1]] = node.value  # type: ignore[index]


# --- validating ---------------------------------------------------------------


def _schema_problems(document: _Document, model: type[BaseModel]) -> list[Problem]:
    try:
        model.model_validate(document.data)
    except ValidationError as error:
        found: dict[tuple[Loc, str], None] = {}
        keys = _language_keys(document.data, error) if model is Flow else {}
        found.update(dict.fromkeys(keys.items()))
        for details in error.errors():
            loc = clean_loc(document.data, details["loc"])
            said_keys = loc in {key_loc[:-1] for key_loc in keys}
            if said_keys and details["loc"][-1] in ("str", "[key]"):
                continue  # not a text but a mapping whose language keys are said, each
            quoted = quote_hint(document.node, loc, details)
            if quoted is not None:
                message = quoted
            elif any(is_member_tag(part) for part in details["loc"]):
                # A union (a text, a value) failed in each member: say it once.
                message = union_message(loc, details["input"])
            else:
                message = message_of(details)
            if details["type"] == "union_tag_invalid":
                loc = (*loc, "type")  # the line of the wrong type, not the step's first
            if model is StagesFile:
                if details["type"] == "invalid_key" and "called" in loc:
                    continue  # a language read as no text: the YAML traps say it, on its line
                message = noun_message(loc, details["type"], message)
            found.setdefault((loc, message))
        return [_locate(document, loc, message) for loc, message in found]
    return []


def _language_keys(data: Any, error: ValidationError) -> dict[Loc, str]:
    """A text's language keys that are no language code (`EN:`), each said with its fix,
    rather than the text said to be no text nor mapping of languages."""
    said: dict[Loc, str] = {}
    for details in error.errors():
        key, path = details["input"], details["loc"]
        if details["type"] != "string_pattern_mismatch" or path[-1:] != ("[key]",):
            continue
        if not isinstance(key, str) or not any(is_member_tag(part) for part in path):
            continue
        fix = (
            f"write it in lower case ({key.lower()})"
            if re.fullmatch(r"[a-z]{2}", key.lower())
            else "write a two-letter lowercase code, like fr or en"
        )
        said[(*clean_loc(data, path), key)] = f"'{key}' is not a language code: {fix}"
    return said


def _stage_code_problems(document: _Document) -> list[Problem]:
    """Stage codes given twice, even in another case, read from the data as written: said
    beside the file's schema problems."""
    stages = document.data.get("stages")
    if not isinstance(stages, list):
        return []
    codes = [
        stage.get("code")
        if isinstance(stage, dict) and isinstance(stage.get("code"), str)
        else None
        for stage in stages
    ]
    found = check_stage_codes(codes, lambda index: line_of(document.node, ("stages", index)))
    return [_locate(document, loc, message) for loc, message in found]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.message))


# --- locating -----------------------------------------------------------------


def _locate(document: _Document, loc: Loc, message: str) -> Problem:
    line = line_of(document.node, loc)
    return Problem(document.file, line, message, where(document.node, loc))
