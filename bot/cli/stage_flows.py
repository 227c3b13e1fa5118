"""A stage's `flow:` that names a questionnaire by its audience code: which id it means.

`flow: territoire` reads naturally, as the links end in `__territoire`, but `flow:`
takes a flow's id. The problem `flows.stage_flow_problems` reports ("unknown flow
'territoire'; the flows are: ...") then says which id the word means and what to
write, in `validate` as in every command that loads the stages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

    from flows import Flow, Problem

UNKNOWN_FLOW: Final = re.compile(r"unknown flow '(?P<word>[^']*)'; the flows are: ")
"""How `flows.stage_flow_problems` starts its message, the word `flow:` holds in it."""


def audiences_meant(problems: Sequence[Problem], flows: Sequence[Flow | Path]) -> list[Problem]:
    """`problems`, each unknown `flow:` that is the audience code of one of `flows` told
    which id it means: "'territoire' is the audience of tour_innov_2019_acteurs: write
    flow: tour_innov_2019_acteurs". The others as they are."""
    from flows import Flow

    audiences = {
        flow.audience.code: flow.id
        for flow in flows
        if isinstance(flow, Flow) and flow.audience is not None
    }
    told = []
    for problem in problems:
        found = UNKNOWN_FLOW.match(problem.message)
        meant = audiences.get(found["word"].lower()) if found else None
        if found is not None and meant is not None:
            word = found["word"]
            message = (
                f"unknown flow '{word}'; '{word}' is the audience of {meant}: write flow: {meant}"
            )
            problem = replace(problem, message=message)
        told.append(problem)
    return told
