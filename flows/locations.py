"""Where a problem in a flow or stages file is, and how to say it: pure functions of
the YAML node tree (which keeps line numbers) and of pydantic's errors.

A pydantic error's `loc` is walked down the same node tree to the line it is
about (`line_of`) and to the innermost question, section or stage (`where`);
`message_of` turns pydantic's wording into the one `validate` prints.
"""

from __future__ import annotations

import difflib
from typing import Any, Final, get_args

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from flows.model import Flow, Kind, Step
from flows.paths import Loc
from flows.stages import STAGE_CODE_LIMIT, STAGE_CODE_PATTERN, StageDef, StagesFile
from flows.yamlfile import NULL_TAG

NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
# The tags pydantic puts in a `loc` for the members of a union: not keys of the file.
CONDITION_TAGS = frozenset({"compare", "not", "all", "any"})
STEP_TAGS = frozenset(kind.value for kind in Kind)
# What the `Field(pattern=...)` constraints of the model mean, in words.
PATTERN_SHAPES = {
    r"^[a-z]{2}$": "a two-letter lowercase language code, like fr or en",
    STAGE_CODE_PATTERN: "letters, digits, '_' and '-' only (no spaces, no accents), at most "
    f"{STAGE_CODE_LIMIT} characters",
}


def _what_breaks(pattern: str, value: object) -> str:
    """What in a refused stage code breaks its shape, said: "'é' is not allowed", "it is 66
    characters long"; a code is often long, or a town's name, so a reader may not see it."""
    if pattern != STAGE_CODE_PATTERN or not isinstance(value, str):
        return ""
    odd = list(dict.fromkeys(c for c in value if not (c.isascii() and (c.isalnum() or c in "_-"))))
    said = []
    if odd:
        names = ["a space" if c == " " else f"'{c}'" for c in odd[:3]]
        named = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        said.append(f"{named} {'is' if len(names) == 1 else 'are'} not allowed")
    if len(value) > STAGE_CODE_LIMIT:
        said.append(f"it is {len(value)} characters long")
    return f": {'; '.join(said)}" if said else ""


def is_member_tag(part: int | str) -> bool:
    return isinstance(part, str) and (part in ("str", "int", "float") or "[" in part)


def union_message(loc: Loc, value: Any) -> str:
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if field in ("equals", "in"):
        if _is_empty(value):
            return f"'{field}' is empty: give a choice code or a number"
        return f"'{field}' must be a choice code or a number, not {value!r}"
    # Said alike for `text:` and `text: {fr: , en: …}`: pydantic gives each union member's
    # error, the text's (the mapping) and the mapping's (None), and the two are said once.
    if _is_empty(value) or (isinstance(value, dict) and any(map(_is_empty, value.values()))):
        return (
            f"'{field}' (or a language in it) is empty: write a text, or one per language "
            "(fr: …, en: …)"
        )
    return f"'{field}' must be a text, or a mapping of language code to text (fr: …, en: …)"


def quote_hint(root: yaml.Node | None, loc: Loc, details: ErrorDetails) -> str | None:
    """ "code: 01 is read as the number 1: write it in quotes, code: '01'", for an unquoted
    number where a text is wanted (a code, an id, a label), said with the file's own text:
    pydantic's "(got 1)" hides the leading zero."""
    value, key = details["input"], loc[-1] if loc else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not isinstance(key, str):
        return None
    if details["type"] != "string_type" and not (
        any(is_member_tag(part) for part in details["loc"]) and key not in ("equals", "in")
    ):
        return None
    node = root
    for part in loc:
        node = node_child(node, part)
    if not isinstance(node, yaml.ScalarNode) or node.tag not in NUMBER_TAGS:
        return None
    read = "a number" if node.value == str(value) else f"the number {value}"
    return f"{key}: {node.value} is read as {read}: write it in quotes, {key}: '{node.value}'"


def clean_loc(data: Any, loc: tuple[int | str, ...]) -> Loc:
    """Drop the union tags pydantic puts in a `loc` (a step's type, a condition's kind)."""
    cleaned: list[int | str] = []
    node = data
    expect_tag: frozenset[str] | None = None
    for part in loc:
        if expect_tag is not None and isinstance(part, str) and part in expect_tag:
            expect_tag = None
            continue
        if is_member_tag(part):
            break
        expect_tag = None
        cleaned.append(part)
        parent_key = cleaned[-2] if len(cleaned) >= 2 else None
        node = child(node, part)
        if isinstance(part, int) and parent_key == "steps":
            expect_tag = STEP_TAGS
        elif part in ("show_if", "not") or (isinstance(part, int) and parent_key in ("all", "any")):
            expect_tag = CONDITION_TAGS
    return tuple(cleaned)


def child(node: Any, part: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def message_of(error: ErrorDetails) -> str:
    kind = error["type"]
    loc = error["loc"]
    field = str(loc[-1]) if loc else ""
    # The key an error is about, even when `loc` ends in a list index.
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
    if name is not None and (plain := _plain_type_message(error, name)) is not None:
        return plain
    if kind == "extra_forbidden":
        return _unknown_key(loc, field)
    if kind == "missing":
        return f"missing required key '{field}'"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        if isinstance(error["input"], dict) and _is_empty(error["input"].get("type")):
            return f"'type' is empty: give one of {', '.join(STEP_TAGS_ORDERED)}"
        return f"unknown step type '{tag}'; expected one of: {', '.join(STEP_TAGS_ORDERED)}"
    if kind == "union_tag_not_found":
        return f"missing 'type'; expected one of: {', '.join(STEP_TAGS_ORDERED)}"
    if kind == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        shape = PATTERN_SHAPES.get(pattern, f"matching {pattern}")
        return f"{name or 'value'} '{error['input']}' must be {shape}{_what_breaks(pattern, error['input'])}"
    if kind == "too_short" and isinstance(error.get("input"), list) and name:
        # Pydantic says "list should have at least 2 items after validation, not 1".
        least, given = error.get("ctx", {}).get("min_length"), len(error["input"])
        one = ITEMS.get(name, name[:-1] if name.endswith("s") else "item")
        return f"'{name}' needs at least {least} {one if least == 1 else one + 's'}, not {given}"
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


# What a key of each type takes, for pydantic's type errors: "input should be a valid boolean".
_WANTED: Final = {
    "string_type": "a value",
    "string_pattern_mismatch": "a value",
    "bad_token": "a value",
    "string_too_short": "a value",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
}
# Those said "'version' should be a whole number, got 'un'" when not empty.
_MISTYPED: Final = frozenset(
    {
        "string_type",
        "bool_type",
        "bool_parsing",
        "int_type",
        "int_parsing",
        "int_from_float",
        "float_type",
        "float_parsing",
        "literal_error",
        "enum",
    }
)
_LISTED: Final = frozenset({"list_type", "tuple_type", "set_type"})
_KEYED: Final = frozenset({"dict_type", "model_type", "model_attributes_type"})
# Said for the tokens organisers type most, when left empty.
_KEY_SHAPES: Final = {
    "id": "lowercase letters, digits and '_', starting with a letter",
    "code": "lowercase letters, digits and '_'",
    "question": "the id of an earlier question",
}


def _is_empty(value: object) -> bool:
    """`key:` with nothing after it (YAML reads null), `key: ~`, or `key: ''`."""
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    """A wrong value as the organiser wrote it: 'oui', 2.5, a list, keys."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    return "keys and values" if isinstance(value, dict) else type(value).__name__


def _plain_type_message(error: ErrorDetails, name: str) -> str | None:
    """A value of the wrong type (or none at all), said in the organiser's words, for every
    key: "'other' should be true or false, got 'oui'", "'code' is empty: give it a value",
    "'stages:' has no stage under it"; None for another error."""
    kind, loc, value = error["type"], error["loc"], error["input"]
    item = isinstance(loc[-1], int) if loc else False
    noun = name[:-1] if name.endswith("s") and len(name) > 3 else "item"
    expected = error.get("ctx", {}).get("expected")
    wanted = _WANTED.get(kind) or (str(expected) if kind in ("literal_error", "enum") else None)
    if item and _is_empty(value) and (wanted or kind in _LISTED | _KEYED):
        return f"an empty item in '{name}': remove it, or write the {noun} in its place"
    if kind in _LISTED or (kind in _KEYED and item):
        if _is_empty(value):
            return (
                f"'{name}:' has no {noun} under it: write each {noun} on a line of its own, "
                "under it, starting with '- '"
            )
        if kind in _LISTED:
            return (
                f"'{name}' should be a list, each {noun} on a line starting with '- ', "
                f"got {_shown(value)}"
            )
        return (
            f"each {noun} in '{name}' should be keys and values (key: value), got {_shown(value)}"
        )
    if kind in _KEYED:
        if _is_empty(value):
            return f"'{name}:' has nothing under it: write its keys under it, indented"
        return f"'{name}' should be keys and values under it (key: value), got {_shown(value)}"
    if wanted is None or item:
        return None
    if _is_empty(value):
        if wanted != "a value":
            return f"'{name}' is empty: give {wanted}"
        shape = _KEY_SHAPES.get(name)
        if name == "code" and loc[0] == "stages":
            shape = "letters, digits, '-' or '_'"
        return f"'{name}' is empty: give it a value" + (f" ({shape})" if shape else "")
    if kind not in _MISTYPED:
        return None  # said by message_of
    return f"'{name}' should be {'a text' if wanted == 'a value' else wanted}, got {_shown(value)}"


ITEMS = {"any": "condition", "all": "condition", "in": "value"}
"""What a list key holds, where its name does not say it ("'any' needs at least 1 condition")."""
MEANT = {"includes": "equals", "contains": "equals", "is": "equals", "eq": "equals"}
"""Words for a condition's test that look like none of its keys: `equals`, which on a
multiple choice is "this box is ticked"."""


def _unknown_key(loc: tuple[int | str, ...], field: str) -> str:
    step_type = str(loc[-2]) if len(loc) >= 2 else ""
    kinds = kinds_with(field) if step_type in STEP_TAGS else []
    if kinds:
        # A key of other kinds of step: saying so beats "unknown key".
        article = "an" if step_type[:1] in tuple("aeiou") else "a"  # an email, an info
        return (
            f"'{field}' does not apply to {article} {step_type} question, "
            f"only to: {', '.join(kinds)}"
        )
    if len(loc) == 1 and field in TOP_KEYS:
        # `stages:` pasted into a flow, `title:` into a stages file: not a misspelling.
        return f"'{field}' belongs in a {TOP_KEYS[field]} file, not here"
    keys = _keys_beside(loc)
    if keys == STAGE_KEYS and (english := FRENCH_STAGE_KEYS.get(field.lower())) is not None:
        return f"unknown key '{field}'; did you mean '{english}'? (keys are written in English)"
    meant = MEANT.get(field.lower())
    if meant in keys:
        return f"unknown key '{field}'; did you mean '{meant}'?"
    hint = difflib.get_close_matches(field, [k for k in keys if k != field], n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown key '{field}'{suggestion}"


def _keys_beside(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the object holding the last key of `loc` can have, to suggest one of:
    a stage's for a stage, the top of a file's at the top, a flow's elsewhere."""
    if len(loc) == 3 and loc[0] == "stages" and isinstance(loc[1], int):
        return STAGE_KEYS
    if len(loc) == 1:
        return sorted(TOP_KEYS)
    return known_keys(stages=loc[0] in ("stages", "called"))


def _fields(model: type[BaseModel]) -> list[str]:
    return sorted(info.alias or name for name, info in model.model_fields.items())


STAGE_KEYS: Final = _fields(StageDef)
# A stage's keys as a French organiser may write them (`ville: Lérac`).
FRENCH_STAGE_KEYS: Final = {
    "ville": "city",
    "commune": "city",
    "région": "region",
    "territoire": "territory",
    "exemple": "example",
    "questionnaire": "flow",
}


OWN_ERROR_KINDS = frozenset(
    {"value_error", "assertion_error", "too_long_for_button", "bad_token", "condition"}
)


STEP_TAGS_ORDERED = [kind.value for kind in Kind]
TOP_KEYS = {key: "flow" for key in Flow.model_fields} | {
    key: "stages" for key in StagesFile.model_fields
}
"""The keys at the top of a flow or stages file, and which."""


def kinds_with(key: str) -> list[str]:
    """The types of step that have `key`, in the order of `Kind`."""
    models = get_args(get_args(Step)[0])
    having = {
        kind
        for model in models
        if key in model.model_fields
        for kind in get_args(model.model_fields["type"].annotation)
    }
    return [kind.value for kind in Kind if kind in having]


def known_keys(*, stages: bool | None = None) -> list[str]:
    """Every key of the flow models (`stages=False`), of the stages file's (True), or both."""
    from flows import model
    from flows import stages as stage_models

    modules = [model, stage_models] if stages is None else [stage_models if stages else model]
    keys: set[str] = set()
    for value in [v for module in modules for v in vars(module).values()]:
        if isinstance(value, type) and issubclass(value, BaseModel):
            for name, info in value.model_fields.items():
                keys.add(info.alias or name)
    return sorted(keys)


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
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


def where(root: yaml.Node | None, loc: Loc) -> str | None:
    """ "question 'q7'", "section 'company'" or "stage 'pithiviers'": the innermost on `loc`.

    Read from the nodes, not the data, so that it works before any data is built.
    """
    where: str | None = None
    node = root
    previous: int | str | None = None
    for part in loc:
        node = node_child(node, part)
        if isinstance(part, int) and isinstance(node, yaml.MappingNode):
            label = {"steps": "question", "sections": "section", "stages": "stage"}.get(
                str(previous)
            )
            key = node_child(node, "code" if label == "stage" else "id")
            if label and isinstance(key, yaml.ScalarNode) and key.tag != NULL_TAG:
                where = f"{label} '{key.value}'"
        previous = part
    return where


def node_child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
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
