"""The columns a flow's questions get in the analysts' wide export, checked before it runs.

The export (`exports.columns`) names one column per question, `<id>__<code>` per
option of a multiple choice or item of a ranking, and `<id>_other` for an "Other,
please specify" text, beside metadata columns every export has. A question named
like one of those (`status`, `language`, `machines__laser`) would be answered for
weeks and then refuse to export: `validate` warns at once instead (a warning, not
an error, so that a flow already running still starts; its long export works).
`tests/flows/test_new_organisation.py` checks these names against the export's.

A column past 32 characters is warned of too: Stata takes at most 32 in a variable name
(SPSS 64), and an id of 24 and a code of 16 make `<id>__<code>` 42 long. pandas'
`to_stata` cuts such a name silently, so it no longer matches the codebook's.
"""

from __future__ import annotations

from typing import Final

from flows.model import Flow, Kind, MultipleChoiceStep, RankingStep, SingleChoiceStep, Step
from flows.paths import Loc

OTHER: Final = "other"

STATA_NAME_LIMIT: Final = 32
"""The longest variable name Stata takes (SPSS takes 64, R and pandas any)."""

META_COLUMNS: Final = (
    "response_key",
    "stage_code",
    "stage_city",
    "stage_region",
    "stage_territory",
    "stage_date",
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
    """Each question whose export column would have the name of another column, and each
    column too long for Stata (`check_column_lengths`).

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
    return found + check_column_lengths(flow)


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


def check_column_lengths(flow: Flow) -> list[tuple[Loc, str]]:
    """Each wide-export column longer than Stata takes, at the code (or id) to shorten."""
    found: list[tuple[Loc, str]] = []
    for si, section in enumerate(flow.sections):
        for qi, step in enumerate(section.steps):
            at: Loc = ("sections", si, "steps", qi)
            codes = [choice.code for choice in getattr(step, "choices", [])]
            for name, code in column_names(step):
                if len(name) <= STATA_NAME_LIMIT:
                    continue
                if code in codes:
                    where: Loc = (*at, "choices", codes.index(code), "code")
                    found.append((where, _too_long(name, step.id, code)))
                else:
                    found.append(((*at, "id"), _too_long(name, step.id, None)))
    return found


def _too_long(name: str, question: str, code: str | None) -> str:
    said = (
        f"its export column '{name}' has {len(name)} characters, past the {STATA_NAME_LIMIT} "
        "Stata allows in a name (SPSS allows 64): Stata would refuse the wide export"
    )
    room = STATA_NAME_LIMIT - len(question) - 2
    if code is None or room < 1:
        return f"{said}; shorten the question id '{question}'"
    return (
        f"{said}; shorten the choice code '{code}' to {room} characters or fewer, "
        f"or the question id '{question}'"
    )
