"""Closed lists of codes for `code` questions: found, read and checked for the loader.

A `code` step's `codes:` is a mapping of code to name, or the name of a list
file: `departements` is looked for as `departements.yaml` next to the flow file,
then among the lists shipped in `flows/data/codes/`. `resolve_code_lists` puts
each list's mapping in the flow's data before it is validated, so the model
holds a mapping and the engine never reads a file.

Codes are taken as written in the file, never as YAML reads them: `01: Ain`
would be the number 1 and `08` a string. Names are text as written, too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flows.errors import FlowFileError, Problem
from flows.list_codes import LIST_CODE_PATTERN, LIST_CODE_SHAPE, LIST_NAME_PATTERN, code_key
from flows.locations import line_of, node_child, where
from flows.paths import Loc
from flows.yamlfile import PlainLoader, read_text

LIST_KEYS = ("source", "examples", "codes")
# Stands in for a list that could not be read, so the rest of the flow is still checked.
PLACEHOLDER = {"0": "…"}


def bundled_lists() -> list[str]:
    """The names of the lists shipped with surveybot."""
    folder = Path(str(resources.files("flows") / "data" / "codes"))
    return sorted(path.stem for path in folder.glob("*.yaml"))


def list_path(name: str, flow_file: str) -> Path | None:
    """Where list `name` is: next to the flow file first, then among the bundled lists."""
    for folder in (
        Path(flow_file).parent,
        Path(str(resources.files("flows") / "data" / "codes")),
    ):
        path = folder / f"{name}.yaml"
        if path.is_file():
            return path
    return None


@dataclass
class CodeList:
    """A list file read: its codes and names as written, its examples, what is wrong in it."""

    codes: dict[str, Any] = field(default_factory=dict)
    examples: list[str] | None = None
    source: str | None = None
    problems: list[Problem] = field(default_factory=list)


def resolve_code_lists(file: str, root: yaml.Node | None, data: Any) -> list[Problem]:
    """Put each `code` step's list in its place in `data`; every problem found, located.

    Inline mappings get their codes as written. A list used by several
    questions is read, and its problems reported, once.
    """
    problems: list[Problem] = []
    read: dict[Path, CodeList] = {}
    for loc, step in _code_steps(data):
        codes_loc: Loc = (*loc, "codes")
        node = node_child(node_child_at(root, loc), "codes")
        value = step.get("codes")
        if isinstance(node, yaml.MappingNode):
            codes = _list_codes(file, node, where(root, loc), problems, inline=True)
            step["codes"] = codes or dict(PLACEHOLDER)
            continue
        if not isinstance(value, str):
            continue  # missing or not a text: the schema says so
        at = where(root, loc)
        path = list_path(value, file) if re.fullmatch(LIST_NAME_PATTERN, value) else None
        if path is None:
            message = f"unknown code list '{value}': no {value}.yaml next to the flow file"
            known = ", ".join(bundled_lists())
            message += f" nor among the bundled lists ({known})" if known else ""
            problems.append(Problem(file, line_of(root, codes_loc), message, at))
            step["codes"] = dict(PLACEHOLDER)
            continue
        if path not in read:
            read[path] = read_list(path, f"{at}, list '{value}'" if at else f"list '{value}'")
            problems += read[path].problems
        found = read[path]
        step["codes"] = dict(found.codes) if found.codes else dict(PLACEHOLDER)
        if found.examples and "examples" not in step:
            step["examples"] = list(found.examples)
        if found.source and "source" not in step:
            step["source"] = found.source
    return problems


def node_child_at(root: yaml.Node | None, loc: Loc) -> yaml.Node | None:
    node = root
    for part in loc:
        node = node_child(node, part)
    return node


def _code_steps(data: Any) -> list[tuple[Loc, dict[str, Any]]]:
    found: list[tuple[Loc, dict[str, Any]]] = []
    sections = data.get("sections") if isinstance(data, dict) else None
    for si, section in enumerate(sections if isinstance(sections, list) else []):
        steps = section.get("steps") if isinstance(section, dict) else None
        for qi, step in enumerate(steps if isinstance(steps, list) else []):
            if isinstance(step, dict) and step.get("type") == "code" and "codes" in step:
                found.append((("sections", si, "steps", qi), step))
    return found


def _text(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return {str(key.value): _text(value) for key, value in node.value}
    return None  # a list: the schema reports it as not a text


# --- a list file ----------------------------------------------------------------


def read_list(path: Path, at: str) -> CodeList:
    """Read and check one list file; its problems are located in it, `at` naming the question."""
    file = str(path)
    try:
        text = read_text(path)
    except FlowFileError as error:
        return CodeList(problems=error.problems)
    loader = PlainLoader(text, file)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        return CodeList(problems=[Problem(file, line, f"invalid YAML: {error.problem}", at)])
    except yaml.YAMLError as error:
        return CodeList(problems=[Problem(file, None, f"invalid YAML: {error}", at)])
    finally:
        loader.dispose()
    result = CodeList()
    result.problems = [Problem(file, r.line, r.message, at) for r in loader.refusals]
    if not isinstance(root, yaml.MappingNode):
        result.problems.append(Problem(file, 1, "a code list is a mapping with 'codes:'", at))
        return result
    for key, value in root.value:
        line = key.start_mark.line + 1
        if key.value not in LIST_KEYS:
            known = ", ".join(LIST_KEYS)
            result.problems.append(Problem(file, line, f"unknown key '{key.value}' ({known})", at))
        elif key.value == "codes":
            result.codes = _list_codes(file, value, at, result.problems)
        elif key.value == "examples" and isinstance(value, yaml.SequenceNode):
            result.examples = [str(item.value) for item in value.value]
        elif key.value == "source" and isinstance(value, yaml.ScalarNode) and value.value:
            result.source = str(value.value)
    if "codes" not in {key.value for key, _ in root.value}:
        result.problems.append(Problem(file, 1, "missing 'codes:', the codes and their names", at))
    if result.examples and not set(result.examples) <= set(result.codes):
        line = next(k.start_mark.line + 1 for k, _ in root.value if k.value == "examples")
        result.problems.append(Problem(file, line, "'examples' must be codes of the list", at))
    result.problems.sort(key=lambda p: (p.line or 0, p.message))
    return result


def _list_codes(
    file: str, node: yaml.Node, at: str | None, problems: list[Problem], *, inline: bool = False
) -> dict[str, Any]:
    """The codes that are fine, each problem with the others added to `problems`.

    Codes a respondent types alike ("1" and "01", "2a" and "2A") are duplicates.
    In a flow file, YAML's own duplicate keys are reported by the loader already.
    """
    if not isinstance(node, yaml.MappingNode) or not node.value:
        line = node.start_mark.line + 1
        problems.append(Problem(file, line, "no codes: write them as code: name lines", at))
        return {}
    codes: dict[str, Any] = {}
    seen: dict[str, tuple[str, int]] = {}
    for code_node, name_node in node.value:
        code, line = str(code_node.value), code_node.start_mark.line + 1
        if not re.fullmatch(LIST_CODE_PATTERN, code):
            problems.append(Problem(file, line, f"code '{code}' must be {LIST_CODE_SHAPE}", at))
            continue
        name = _text(name_node)
        if not _is_name(name):
            message = f"the name of code '{code}' must be a text, or fr: …, en: …"
            problems.append(Problem(file, line, message, at))
            continue
        first = seen.get(code_key(code))
        if first is not None:
            if first[0] != code:
                message = f"code '{code}' is typed like '{first[0]}'"
                message += f" (line {first[1]})" if first[1] != line else ""
                problems.append(Problem(file, line, message, at))
            elif not inline:
                message = f"duplicate code '{code}', first on line {first[1]}"
                problems.append(Problem(file, line, message, at))
            continue
        seen[code_key(code)] = (code, line)
        codes[code] = name
    return codes


def _is_name(name: Any) -> bool:
    if isinstance(name, str):
        return bool(name.strip())
    return (
        isinstance(name, dict)
        and bool(name)
        and all(isinstance(text, str) and text.strip() for text in name.values())
    )
