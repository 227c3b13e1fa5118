"""The stage codes an export keeps, as the stages file writes them; a typo refused.

`surveybot export --stage` and `load_responses(stage=...)` share it. A code matches
a stage of the file whatever its case ("Aubenas" is aubenas: people copy codes from
posters). A code in no stages file that no response carries is refused, naming the
known stages: most likely a typo, which would otherwise give an empty table and no
error. One a response carries (a stage removed from the file since) is kept as is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from exports.errors import ExportError
from flows import StageDef, find_stage

STAGES_FILE = "the stages file"


class UnknownStage(ExportError, ValueError):
    """A stage code in no stages file that no response carries."""


def unknown_stage(stages: Sequence[StageDef], code: str, file: str = STAGES_FILE) -> str:
    """What to say of `code`, in no stages file that no response carries."""
    listed = ", ".join(stage.code for stage in stages)
    return (
        f"unknown stage '{code}': it is not in {file} and no response "
        f"carries it; known stages: {listed}"
    )


def known_stages(
    db: str | os.PathLike[str],
    flow_ids: Sequence[str],
    stages: Sequence[StageDef],
    codes: Sequence[str],
    *,
    file: str = STAGES_FILE,
) -> tuple[str, ...]:
    """`codes` as `stages` writes them; raise UnknownStage on one in no stage of `stages`
    that no response of `flow_ids` (whatever its status) carries in `db`.

    The database is read only when a code is not in `stages` (StorageError if it cannot be).
    """
    found = {code: find_stage(stages, code) for code in codes}
    unknown = [code for code, stage in found.items() if stage is None]
    # Links store their stage lower-cased: "Le-Creusot" is the le-creusot responses carry.
    asked = [form for code in unknown for form in dict.fromkeys((code, code.lower()))]
    carried = _carried(db, flow_ids, asked) if unknown else set()
    written = {
        code: next((f for f in (code, code.lower()) if f in carried), None) for code in unknown
    }
    for code, form in written.items():
        if form is None:
            raise UnknownStage(unknown_stage(stages, code, file))
    return tuple(stage.code if stage else written[code] or code for code, stage in found.items())


def _carried(db: str | os.PathLike[str], flow_ids: Sequence[str], codes: list[str]) -> set[str]:
    """Which of `codes` a response of one of `flow_ids` carries, whatever its status."""
    from storage import ResponseFilter, open_snapshot

    with open_snapshot(db) as snapshot:
        return {
            code
            for code in codes
            for flow_id in flow_ids
            if snapshot.count(ResponseFilter(flow_id=flow_id, stage_codes=(code,)))
        }
