"""The columns a flow's questions get in the analysts' wide export, checked before it runs.

The export (`exports.columns`) names one column per question, `<id>__<code>` per
option of a multiple choice or item of a ranking, and `<id>_other` for an "Other,
please specify" text, beside metadata columns every export has. A question named
like one of those (`status`, `language`, `machines__laser`) would be answered for
weeks and then refuse to export: `validate` warns at once instead (a warning, not
an error, so that a flow already running still starts; its long export works).
`tests/flows/test_new_organisation.py` checks these names against the export's.
"""

from __future__ import annotations

from typing import Final

from flows.model import Flow, Kind, MultipleChoiceStep, RankingStep, SingleChoiceStep, Step
from flows.paths import Loc

OTHER: Final = "other"

META_COLUMNS: Final = (
    "response_key",
    "stage_code",
    "stage_city",
    "stage_region",
    "channel",
    "flow_id",
    "flow_version",
    "language",
    "status",
    "started_at",
    "completed_at",
    "duration_seconds",
)
"""The columns every wide export starts with, whatever the flow."""


def column_names(step: Step) -> list[tuple[str, str | None]]:
    """The columns of `step` in a wide export, each with the choice it is for (None: the
    question itself, or its "Other" text), `--joined` and `--include-personal` given."""
    q = step.id
    if step.type == Kind.INFO:
        return []
    has_other = isinstance(step, SingleChoiceStep | MultipleChoiceStep) and step.other
    other: list[tuple[str, str | None]] = [(f"{q}_other", None)] if has_other else []
    if isinstance(step, MultipleChoiceStep | RankingStep):
        codes = [choice.code for choice in step.choices] + ([OTHER] if has_other else [])
        items = [(f"{q}__{code}", code) for code in codes]
        joined: list[tuple[str, str | None]] = [] if isinstance(step, RankingStep) else [(q, None)]
        return joined + items + other
    return [(q, None), *other]


def check_export_names(flow: Flow) -> list[tuple[Loc, str]]:
    """Each question whose export column would have the name of another column.

    A duplicate question id is reported as such by the other checks, not here.
    """
    owners: dict[str, str] = {name: "" for name in META_COLUMNS}
    ids: set[str] = set()
    found: list[tuple[Loc, str]] = []
    for si, section in enumerate(flow.sections):
        for qi, step in enumerate(section.steps):
            if step.id in ids:
                continue
            ids.add(step.id)
            clashes = [
                _clash(name, owner)
                for name, code in column_names(step)
                if (owner := owners.setdefault(name, mine := _owner(step.id, name, code))) != mine
            ]
            if clashes:  # the first says what to do
                found.append((("sections", si, "steps", qi, "id"), clashes[0]))
    return found


def _clash(name: str, owner: str) -> str:
    refused = "give this question another id before anyone answers: the wide export refuses it"
    if not owner:
        every = ", ".join(META_COLUMNS)
        return (
            f"'{name}' is already one of the columns every export starts with ({every}); {refused}"
        )
    return f"its export column '{name}' is already that of {owner}; {refused}"


def _owner(question: str, name: str, code: str | None) -> str:
    if code is not None:
        return f"choice '{code}' of question '{question}'"
    if name != question:
        return f"the 'Other' text of question '{question}'"
    return f"question '{question}'"
