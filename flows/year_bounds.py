"""A year question whose `max` falls before the workshops: a flow checked with its stages.

The bundled questionnaire asks the year a company was founded, "up to 2019, the
year of the survey". Copied for a later tour, it refused every company founded
since at a required question, and `validate` said ok: the flow alone is right, only
the stages' dates show it out of date. A whole-number question whose bounds look
like years (`NumberStep.asks_a_year`) and whose `max` is before the
year of the latest workshop it runs at is a warning at its `max:` line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeGuard

import yaml

from flows.catalogue import node_tree, stages_for
from flows.errors import Problem
from flows.model import Flow, NumberStep
from flows.stages import StageDef


def stale_year_bounds(
    flow_file: str | Path, flow: Flow, stages: Sequence[StageDef]
) -> list[Problem]:
    """A warning for each year question of `flow` ending before a workshop it runs at."""
    dated = [stage for stage in stages_for(stages, flow) if stage.date is not None]
    if not dated:
        return []
    latest = max(dated, key=lambda stage: stage.date or 0)
    assert latest.date is not None
    root = node_tree(flow_file)
    problems = []
    for step in flow.steps():
        if not _asks_a_year(step) or step.max is None or step.max >= latest.date.year:
            continue
        last = f"{step.max:g}"
        problems.append(
            Problem(
                str(flow_file),
                _max_line(root, step.id),
                f"it takes years up to {last}, and the workshop {latest.code!r} is on "
                f"{latest.date.isoformat()}: an answer after {last} is refused; raise `max` "
                f"(and any text that says {last})",
                where=f"question {step.id!r}",
                warning=True,
            )
        )
    return problems


def _asks_a_year(step: object) -> TypeGuard[NumberStep]:
    return isinstance(step, NumberStep) and step.asks_a_year


def _max_line(root: yaml.Node | None, step_id: str) -> int | None:
    """The line of the question's `max:` (of its `id:` if need be), wherever it is nested."""
    for node in _mappings(root):
        found: dict[str, yaml.Node] = {key.value: value for key, value in node.value}
        step = found.get("id")
        if isinstance(step, yaml.ScalarNode) and step.value == step_id and "type" in found:
            line: int = found.get("max", step).start_mark.line + 1
            return line
    return None


def _mappings(node: yaml.Node | None) -> list[yaml.MappingNode]:
    """Every mapping under `node`, in the order of the file."""
    if isinstance(node, yaml.MappingNode):
        return [node, *(m for _, value in node.value for m in _mappings(value))]
    if isinstance(node, yaml.SequenceNode):
        return [m for item in node.value for m in _mappings(item)]
    return []
