"""Whether a file is a flow file or a stages file, and what to say when it is the other kind.

`surveybot validate` guesses the kind from the keys at the top; `load_flow` and
`load_stages` know what they expect. A stages file given as the flow (or the
other way round), or a stages file whose `stages:` is spelled `stage:` or
`Stages:`, was read as the other kind: a list of unrelated errors ("missing
required key 'id'", "unknown key 'called'; did you mean 'all'?") instead of
the one slip.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from pydantic import BaseModel

from flows.model import Flow
from flows.stages import StagesFile

FLOW_MARKS = frozenset({"id", "sections"})
"""What every flow file has at its top and a stages file never: a stray `title:` in a
stages file does not make it a flow."""
NOT_STAGES = "this looks like a flow file, not a stages file: a stages file holds a `stages:` list"
NOT_A_FLOW = (
    "this looks like a stages file, not a flow file: a flow file holds `id:`, `version:`, "
    "`title:` and `sections:`"
)


def stages_slip(data: dict[Any, Any]) -> str | None:
    """The top key meant as `stages:` (`stage`, `Stages`), when there is no `stages:`."""
    if "stages" in data:
        return None
    for key in data:
        if isinstance(key, str) and (
            key.strip().casefold() in ("stage", "stages")
            or difflib.get_close_matches(key.casefold(), ["stages"], n=1, cutoff=0.8)
        ):
            return key
    return None


def looks_like_flow(data: dict[Any, Any]) -> bool:
    return any(key in FLOW_MARKS for key in data)


def looks_like_stages(data: dict[Any, Any]) -> bool:
    # `called:` is a stages file's own key too: a file begun with it is one, stages or not.
    marked = "stages" in data or "called" in data or stages_slip(data) is not None
    return not looks_like_flow(data) and marked


def guessed_model(data: dict[Any, Any]) -> type[BaseModel]:
    """The kind `validate` checks a file as: stages when its keys say so, and none is a
    flow file's (a flow with a `stages:` list pasted in is checked as a flow)."""
    return StagesFile if looks_like_stages(data) else Flow


def slip_message(key: str) -> str:
    return f"`{key}:` should be `stages:`"


def renamed_to_stages(root: yaml.Node | None, data: dict[Any, Any], key: str) -> dict[Any, Any]:
    """The data with `key` read as `stages` (and the node tree's key too, so that what
    else is wrong in the stages is still found, on its line)."""
    if isinstance(root, yaml.MappingNode):
        for key_node, _ in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                key_node.value = "stages"
    return {("stages" if name == key else name): value for name, value in data.items()}
