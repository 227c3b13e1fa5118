"""What `surveybot stats` reports on, and its reading of the database.

`--stage` takes the code printed on the cards, the QR file's name and the link's
`?start=`: with several questionnaires that is `<workshop>__<audience>`
(`issoudun__entreprise`). It means that workshop and that audience's questionnaire,
not a stage no one has, counted as a row of zeros. `export --stage` reads its codes
the same way (`export_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from bot.cli.common import fail

if TYPE_CHECKING:
    from bot.cli.loading import DataSetup
    from flows import Flow, StageDef
    from organiser import Stats


def stage_and_flows(
    setup: DataSetup, code: str | None, *, flow_given: bool
) -> tuple[str | None, list[Flow], bool]:
    """The stage code to count, the flows to report on, and whether `code` picked the flow.

    A stage of the file is counted as the file writes its code, whatever the case of
    `code`, or whatever audience follows it (`issoudun__entreprise` is issoudun, as
    `export --stage` reads it); a code the file does not hold (a stage removed since)
    is counted as given, its audience taken off. With several flows, an audience after
    the code picks its flow, as the link does: one contradicting --flow is refused, and
    so is an audience no questionnaire loaded has (its figures are not these).
    """
    from flows import find_stage, is_stage_code, split_entry

    if code is None:
        return None, setup.selected, False
    stage = find_stage(setup.stages, code)
    part, audience = split_entry(code)
    named = None
    if audience is not None and part and not is_stage_code(setup.stages, code):
        named = setup.catalogue.by_audience(audience)
        if named is None:  # not another questionnaire's figures under this one's name
            raise click.BadParameter(_no_such_audience(setup, code), param_hint="'--stage'")
    counted = stage.code if stage is not None else (part if named is not None else code)
    if named is None or not setup.catalogue.several:
        return counted, setup.selected, False
    if flow_given and named not in setup.selected:
        other = setup.selected[0]
        raise click.BadParameter(
            f"'{code}' names the questionnaire '{audience}' ({named.id}), and --flow "
            f"another ({other.id}): give one of them, or the workshop's code alone "
            f"('{counted}')",
            param_hint="'--stage'",
        )
    return counted, [named], True


def export_scope(
    setup: DataSetup, codes: tuple[str, ...], *, flow_given: bool
) -> tuple[tuple[str, ...], DataSetup, bool]:
    """`export --stage`'s codes as `stats --stage` reads each, the setup with only the
    questionnaire an audience after one of them names, and whether one did.

    `--stage pithiviers__territoire` is that workshop in that audience's questionnaire,
    as the link is; codes naming two questionnaires are refused, as a --flow naming
    another is: one export is one questionnaire's files.
    """
    from dataclasses import replace

    counted: list[str] = []
    named: dict[str, Flow] = {}  # code -> the flow its audience names
    for code in codes:
        stage, flows, picked = stage_and_flows(setup, code, flow_given=flow_given)
        counted.append(stage if stage is not None else code)
        if picked:
            named[code] = flows[0]
    if not named:
        return tuple(counted), setup, False
    (first, flow), *others = named.items()
    other = next(((c, f) for c, f in others if f.id != flow.id), None)
    if other is not None:
        alone = ", ".join(f"'{code}'" for code in dict.fromkeys(counted))
        raise click.BadParameter(
            f"'{first}' names the questionnaire '{_audience(flow)}' ({flow.id}), and "
            f"'{other[0]}' another ({other[1].id}): export one questionnaire at a time, "
            f"or give the workshops' codes alone ({alone})",
            param_hint="'--stage'",
        )
    return tuple(counted), replace(setup, selected=[flow]), True


def _no_such_audience(setup: DataSetup, code: str) -> str:
    from flows import split_entry

    part, audience = split_entry(code)
    flows = setup.catalogue.flows
    held = ", ".join(f"'{f.audience.code}' ({f.id})" for f in flows if f.audience is not None)
    return (
        f"'{code}' names the questionnaire '{audience}', which this setup does not load "
        f"({'it has ' + held if held else 'its questionnaires name no audience'}): point "
        f"--flows (SURVEYBOT_FLOWS) at the questionnaires the links were made with, or give "
        f"the workshop's code alone ('{part}')"
    )


def _audience(flow: Flow) -> str:
    return flow.audience.code if flow.audience is not None else flow.id


def read_stats(
    db: Path | str,
    flow: Flow,
    stages: list[StageDef],
    stage_code: str | None,
    day: dt.date | None,
    own_only: bool,
    zone: ZoneInfo,
    channels: Sequence[str] = (),
) -> Stats:
    """The figures, "today" being a day in the respondents' zone (SURVEYBOT_TIMEZONE), as
    Telegram's /stats counts it, whatever the zone of the machine running the command."""
    import asyncio

    from organiser import read_stats as read
    from storage import StorageError, open_store

    today = day if day is not None else dt.datetime.now(zone).date()

    async def reading() -> Stats:
        store = await open_store(db, readonly=True)
        try:
            return await read(
                store,
                flow=flow,
                stages=stages,
                today=today,
                tz=zone,
                stage_code=stage_code,
                own_only=own_only,
                only_channels=channels,
            )
        finally:
            await store.close()

    try:
        return asyncio.run(reading())
    except StorageError as error:
        fail(str(error))
