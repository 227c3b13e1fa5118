"""Read flow and stages files: YAML -> pydantic models, with every problem located.

YAML is composed into a node tree (which keeps line numbers) and constructed
from it, so a pydantic error's `loc` can be walked down the same tree to the
line it is about. `flows.yamlfile` reads the file and composes it, refusing
what could hurt (anchors and aliases, a huge file) before any value is built.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from flows.checks import check_flow, check_stage_codes, check_stages
from flows.errors import FlowFileError, Problem
from flows.model import Flow, Kind
from flows.paths import Loc
from flows.stages import STAGE_CODE_PATTERN, StageDef, StagesFile
from flows.yamlfile import NULL_TAG, PlainLoader, Refusal, read_text

BOOL_TAG = "tag:yaml.org,2002:bool"
STR_TAG = "tag:yaml.org,2002:str"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# Keys whose values are codes, ids or texts: a YAML 1.1 boolean there is a trap.
STRING_KEYS = frozenset(
    {"code", "id", "question", "equals", "in", "label", "text", "title", "city", "flow"}
)
# Keys whose values really are booleans: `required: yes` means what it says.
BOOL_KEYS = frozenset({"required", "other", "exclusive", "dont_know", "integer", "example"})
CONDITION_TAGS = frozenset({"compare", "not", "all", "any"})
STEP_TAGS = frozenset(kind.value for kind in Kind)
# What the `Field(pattern=...)` constraints of the model mean, in words.
PATTERN_SHAPES = {
    r"^[a-z]{2}$": "a two-letter lowercase language code, like fr or en",
    STAGE_CODE_PATTERN: "letters, digits, '_' and '-' only (no spaces), at most 64 long",
}
# PyYAML's words for the commonest slips, and what to do about them.
YAML_HINTS = {"<block end>": "check the indentation", "'\\t'": "indent with spaces, not tabs"}


def bundled_path(name: str) -> Path:
    """The path of a file shipped in `flows/data/` (the bundled questionnaire and stages)."""
    return Path(str(resources.files("flows") / "data" / name))


def load_flow(path: str | Path) -> Flow:
    """Load and check a flow file; raise FlowFileError listing every problem."""
    return _checked_flow(_read(path))


def load_stages(path: str | Path) -> list[StageDef]:
    """Load and check a stages file; raise FlowFileError listing every problem."""
    return _checked_stages(_read(path))


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in a flow or stages file (told apart by a top-level `stages` key)."""
    try:
        document = _read(path)
        if _model_for(document.data) is StagesFile:
            _checked_stages(document)
        else:
            _checked_flow(document)
    except FlowFileError as error:
        return error.problems
    return []


def _checked_flow(document: _Document) -> Flow:
    model = _validate(document, Flow)
    assert isinstance(model, Flow)
    _raise_if(document, check_flow(model))
    return model


def _checked_stages(document: _Document) -> list[StageDef]:
    problems = _schema_problems(document, StagesFile)
    if problems:
        raise FlowFileError(_sorted(problems + _raw_stage_code_problems(document)))
    model = StagesFile.model_validate(document.data)
    _raise_if(document, check_stages(model))
    return list(model.stages)


# --- reading ------------------------------------------------------------------


@dataclass
class _Document:
    file: str
    node: yaml.Node | None
    data: Any


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
        raise FlowFileError([_yaml_problem(file, error)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FlowFileError([Problem(file, 1, "the file must hold a YAML mapping of keys")])
    document = _Document(file, node, data)
    if traps:
        # Report the traps, and what else is wrong, in one go.
        assert node is not None
        _repair_booleans(node, data)
        problems = [Problem(file, line, message, _where(node, loc)) for loc, message, line in traps]
        problems += _schema_problems(document, _model_for(data))
        if _model_for(data) is StagesFile:
            problems += _raw_stage_code_problems(document)
        raise FlowFileError(_sorted(problems))
    return document


def _raise_refusals(file: str, root: yaml.Node, refusals: list[Refusal]) -> None:
    """Every anchor and alias, located, each named once per line; nothing is built from them."""
    if not refusals:
        return
    locs = {id(node): loc for loc, _, node in _walk(root, (), keys=True)}
    found = {
        Problem(file, refusal.line, refusal.message, _where(root, locs.get(id(refusal.node), ())))
        for refusal in refusals
    }
    raise FlowFileError(_sorted(list(found)))


def _yaml_problem(file: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    message = f"invalid YAML: {error.problem or error.context}"
    context = error.context_mark
    if error.problem and error.context and context and context.line + 1 != line:
        # The slip is often where the context starts (an unclosed quote, a mapping).
        message += f" ({error.context} at line {context.line + 1})"
    hints = [hint for needle, hint in YAML_HINTS.items() if needle in (error.problem or "")]
    return Problem(file, line, message + "".join(f"; {hint}" for hint in hints))


def _model_for(data: dict[str, Any]) -> type[BaseModel]:
    return StagesFile if "stages" in data else Flow


def _yaml_traps(root: yaml.Node) -> Iterator[tuple[Loc, str, int]]:
    """Duplicate keys (YAML keeps the last silently) and unquoted yes/no read as booleans.

    Each comes with its own line: a loc would find the first of two duplicate keys.
    """
    for loc, key, node in _walk(root, ()):
        if isinstance(node, yaml.MappingNode):
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
            problems.append(Problem(file, node.start_mark.line + 1, message, _where(root, loc)))
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
                parent = _child(parent, part)
            if isinstance(parent, dict | list):
                parent[loc[-1]] = node.value  # type: ignore[index]


# --- validating ---------------------------------------------------------------


def _validate(document: _Document, model: type[BaseModel]) -> BaseModel:
    problems = _schema_problems(document, model)
    if problems:
        raise FlowFileError(_sorted(problems))
    return model.model_validate(document.data)


def _schema_problems(document: _Document, model: type[BaseModel]) -> list[Problem]:
    try:
        model.model_validate(document.data)
    except ValidationError as error:
        found: dict[tuple[Loc, str], None] = {}
        for details in error.errors():
            loc = _clean_loc(document.data, details["loc"])
            if any(_is_member_tag(part) for part in details["loc"]):
                # A union (a text, a value) failed in each member: say it once.
                message = _union_message(loc, details["input"])
            else:
                message = _message(details)
            if details["type"] == "union_tag_invalid":
                loc = (*loc, "type")  # the line of the wrong type, not the step's first
            found.setdefault((loc, message))
        return [_locate(document, loc, message) for loc, message in found]
    return []


def _is_member_tag(part: int | str) -> bool:
    return isinstance(part, str) and (part in ("str", "int", "float") or "[" in part)


def _union_message(loc: Loc, value: Any) -> str:
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if field in ("equals", "in"):
        return f"'{field}' must be a choice code or a number, not {value!r}"
    return f"'{field}' must be a text, or a mapping of language code to text (fr: …, en: …)"


def _raw_stage_code_problems(document: _Document) -> list[Problem]:
    """Duplicate stage codes, read from the raw data when the schema already failed."""
    stages = document.data.get("stages")
    if not isinstance(stages, list):
        return []
    codes = [
        stage.get("code")
        if isinstance(stage, dict) and isinstance(stage.get("code"), str)
        else None
        for stage in stages
    ]
    return [_locate(document, loc, message) for loc, message in check_stage_codes(codes)]


def _raise_if(document: _Document, found: Sequence[tuple[Loc, str]]) -> None:
    if found:
        raise FlowFileError(_sorted([_locate(document, loc, message) for loc, message in found]))


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.message))


def _clean_loc(data: Any, loc: tuple[int | str, ...]) -> Loc:
    """Drop the union tags pydantic puts in a `loc` (a step's type, a condition's kind)."""
    cleaned: list[int | str] = []
    node = data
    expect_tag: frozenset[str] | None = None
    for part in loc:
        if expect_tag is not None and isinstance(part, str) and part in expect_tag:
            expect_tag = None
            continue
        if _is_member_tag(part):
            break
        expect_tag = None
        cleaned.append(part)
        parent_key = cleaned[-2] if len(cleaned) >= 2 else None
        node = _child(node, part)
        if isinstance(part, int) and parent_key == "steps":
            expect_tag = STEP_TAGS
        elif part in ("show_if", "not") or (isinstance(part, int) and parent_key in ("all", "any")):
            expect_tag = CONDITION_TAGS
    return tuple(cleaned)


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    loc = error["loc"]
    field = str(loc[-1]) if loc else ""
    # The key an error is about, even when `loc` ends in a list index.
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(field, [k for k in _known_keys() if k != field], n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return f"unknown key '{field}'{suggestion}"
    if kind == "missing":
        return f"missing required key '{field}'"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return f"unknown step type '{tag}'; expected one of: {', '.join(STEP_TAGS_ORDERED)}"
    if kind == "union_tag_not_found":
        return f"missing 'type'; expected one of: {', '.join(STEP_TAGS_ORDERED)}"
    if kind == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        shape = PATTERN_SHAPES.get(pattern, f"matching {pattern}")
        return f"{name or 'value'} '{error['input']}' must be {shape}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    message = message[0].lower() + message[1:] if message else kind
    # Our own messages name what they are about; pydantic's ("input should be less than
    # or equal to 4") need the key, or a line with several keys is a riddle.
    if kind in OWN_ERROR_KINDS or name is None:
        return message
    value = error["input"]
    got = f" (got {value!r})" if isinstance(value, str | int | float) else ""
    return f"'{name}': {message}{got}"


OWN_ERROR_KINDS = frozenset(
    {"value_error", "assertion_error", "too_long_for_button", "bad_token", "condition"}
)


STEP_TAGS_ORDERED = [kind.value for kind in Kind]


def _known_keys() -> list[str]:
    from flows import model, stages

    keys: set[str] = set()
    for value in [*vars(model).values(), *vars(stages).values()]:
        if isinstance(value, type) and issubclass(value, BaseModel):
            for name, info in value.model_fields.items():
                keys.add(info.alias or name)
    return sorted(keys)


# --- locating -----------------------------------------------------------------


def _locate(document: _Document, loc: Loc, message: str) -> Problem:
    line = _line_of(document.node, loc)
    return Problem(document.file, line, message, _where(document.node, loc))


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    # A key that is itself wrong is best shown at the key.
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
        if not isinstance(node, yaml.ScalarNode):
            continue
        line = node.start_mark.line + 1
    return line


def _where(root: yaml.Node | None, loc: Loc) -> str | None:
    """ "question 'q7'", "section 'company'" or "stage 'pithiviers'": the innermost on `loc`.

    Read from the nodes, not the data, so that it works before any data is built.
    """
    where: str | None = None
    node = root
    previous: int | str | None = None
    for part in loc:
        node = _node_child(node, part)
        if isinstance(part, int) and isinstance(node, yaml.MappingNode):
            label = {"steps": "question", "sections": "section", "stages": "stage"}.get(
                str(previous)
            )
            key = _node_child(node, "code" if label == "stage" else "id")
            if label and isinstance(key, yaml.ScalarNode) and key.tag != NULL_TAG:
                where = f"{label} '{key.value}'"
        previous = part
    return where


def _node_child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == part), None)
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        child: yaml.Node = node.value[part]
        return child
    return None
