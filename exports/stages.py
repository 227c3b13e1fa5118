"""The stage codes an export keeps, as the stages file writes them; a typo refused.

`surveybot export --stage` and `load_responses(stage=...)` share it. A code matches
a stage of the file whatever its case ("Aubenas" is aubenas: people copy codes from
posters). A code in no stages file that no response carries is refused, naming the
known stages: most likely a typo, which would otherwise give an empty table and no
error. One a response carries (a stage removed from the file since) is kept as is.

A link's code, `issoudun__entreprise` as the cards print it, is that workshop in that
audience's questionnaire: `load_responses`, which reads one questionnaire, refuses it
for another's (`audience_taken_off`), as `--stage` with a `--flow` naming another does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from exports.errors import ExportError
from flows import Flow, StageDef, find_stage, is_stage_code, meant_stage, split_entry

STAGES_FILE = "the stages file"


class UnknownStage(ExportError, ValueError):
    """A stage code in no stages file that no response carries."""


class OtherAudience(ExportError, ValueError):
    """A link's code (`issoudun__territoire`) given for another audience's questionnaire."""


def audience_taken_off(
    flow: Flow, stages: Sequence[StageDef], codes: Sequence[str]
) -> tuple[str, ...]:
    """`codes` with the audience after a link's code taken off once it is `flow`'s
    (`issoudun__entreprise` is issoudun); OtherAudience if it is another's.

    A stage's own code holding `__` is kept whole; with a flow that has no audience (one
    questionnaire: links carry none), so is every code, as `--stage` keeps it then.
    """
    kept = []
    for code in codes:
        part, audience = split_entry(code)
        if flow.audience is None or audience is None or not part or is_stage_code(stages, code):
            kept.append(code)
        elif audience.lower() != flow.audience.code:
            raise OtherAudience(
                f"stage '{code}' is the code of a link for the questionnaire "
                f"'{audience}', and flow '{flow.id}' is the questionnaire "
                f"'{flow.audience.code}': load the responses of the flow of '{audience}', "
                f"or give the workshop's code alone ('{part}')"
            )
        else:
            kept.append(part)
    return tuple(kept)


def unknown_stage(stages: Sequence[StageDef], code: str, file: str = STAGES_FILE) -> str:
    """What to say of `code`, in no stages file that no response carries."""
    listed = ", ".join(stage.code for stage in stages)
    meant = meant_stage(stages, code)
    guess = f"did you mean '{meant.code}' ({meant.city})? " if meant is not None else ""
    return (
        f"unknown stage '{code}': it is not in {file} and no response "
        f"carries it; {guess}known stages: {listed}"
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
