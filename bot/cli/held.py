"""What the database holds beyond what `export` and `stats` were asked about, said on stderr.

An analyst's laptop often has only the database: run without
`SURVEYBOT_FLOWS`, the commands read the default questionnaire, and the
responses to the other one (the territorial actors') would go missing without a
word. `other_flows` finds them; the commands say how many and how to include
them, unless --flow picked one flow on purpose. Likewise a `--flow-version` no
response carries is a typo to refuse, naming the versions there are, not an
empty table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import fail

if TYPE_CHECKING:
    from flows import Flow
    from storage import ResponseFilter, Snapshot


@dataclass(frozen=True, slots=True)
class OtherFlow:
    """Responses of a flow the command does not report on."""

    flow_id: str
    total: int
    """Every response of that flow, whatever its status or stage."""
    matching: int | None
    """Those the command's filters would keep (None: no filter to count with)."""
    title: str | None
    """Its title, as the database keeps its latest version (or the bundled file says)."""


def other_flows(
    db: Path | str,
    reported: Sequence[Flow],
    matching: Callable[[str], ResponseFilter] | None = None,
) -> list[OtherFlow]:
    """The flows whose responses the database holds besides `reported`'s, by flow id."""
    from storage import StorageError, open_snapshot

    ids = {flow.id for flow in reported}
    try:
        with open_snapshot(db) as snapshot:
            totals = {k: n for k, n in snapshot.flows_held().items() if k not in ids}
            return [
                OtherFlow(
                    flow_id,
                    total,
                    _count(snapshot, matching(flow_id)) if matching is not None else None,
                    _title(snapshot, flow_id),
                )
                for flow_id, total in sorted(totals.items())
            ]
    except StorageError as error:
        fail(str(error))


def _count(snapshot: Snapshot, where: ResponseFilter) -> int:
    return sum(found.count for found in snapshot.count(where))


def _title(snapshot: Snapshot, flow_id: str) -> str | None:
    """The title the database keeps for the flow's latest version, or the bundled file's."""
    from flows import Flow

    kept = snapshot.flow_versions(flow_id)
    if kept:
        try:  # its title one text, or one per language, as a flow file may give it
            stored = Flow.model_validate_json(kept[-1].content)
        except ValueError:  # written by a newer surveybot: named by its id alone
            return None
        return stored.text(stored.title, stored.language).strip() or None
    if flow_id in _bundled():
        bundled = _bundled()[flow_id][1]
        return bundled.text(bundled.title, bundled.language)
    return None


@cache
def _bundled() -> dict[str, tuple[Path, Flow]]:
    """The questionnaires that come with surveybot, their files by id: `--flows bundled`."""
    from bot.settings import BUNDLED_FLOWS
    from flows import bundled_path, load_flow

    paths = [bundled_path(name) for name in BUNDLED_FLOWS]
    return {flow.id: (path, flow) for path, flow in ((p, load_flow(p)) for p in paths)}


def how_to_include(other: OtherFlow, configured: Sequence[Path], result: str) -> str:
    """What to give the command to report on `other` too, each flow getting its `result`
    ("to its own file", "its own tables"): advice that works as written.

    Adding a file to --flows did not: several flows must each have an `audience:`,
    which an organisation's one questionnaire has no need of. So, but for the two
    bundled ones together, the advice is to report on that flow alone: --flow
    replaces SURVEYBOT_FLOW (or --flows SURVEYBOT_FLOWS, setting both is refused).
    A flow of one's own is most often missed outside the folder of its `.env`.
    """
    bundled = _bundled()
    files = [path for path, _ in bundled.values()]
    if other.flow_id in bundled and all(path in files for path in configured):
        return f"add --flows bundled (each questionnaire {result})"
    flag = "--flow" if len(configured) == 1 else "--flows"
    if other.flow_id in bundled:
        return f"to report on it alone, give {flag} {bundled[other.flow_id][0]}"
    where = "" if Path(".env").is_file() else "run this from the folder of your .env, or "
    return f"to report on it, {where}give its flow and stages files: {flag} FILE --stages FILE"


def held(other: OtherFlow, filters: str) -> str:
    """ "the database also holds 3 responses to questionnaire 'id' (title), 2 of them
    matching `filters`": how many, and how many the command's filters keep."""
    plural = "s" if other.total != 1 else ""
    said = (
        f"the database also holds {other.total} response{plural} to questionnaire '{other.flow_id}'"
    )
    if other.title:
        said += f" ({other.title})"
    if other.matching is not None and other.matching != other.total:
        said += f", {other.matching or 'none'} of them matching {filters}"
    return said


def check_versions(db: Path | str, flows: Sequence[Flow], versions: Sequence[int]) -> None:
    """Exit when a flow file changed under a version the database holds (`refuse_changed_flows`),
    or naming the versions there are when no flow has one of `versions`: a typo, which
    would otherwise give an empty table and a hint about everything but the version.
    Both read one snapshot."""
    from storage import ResponseFilter, StorageError, open_snapshot

    try:
        with open_snapshot(db) as snapshot:
            _refuse_changed(snapshot, flows)
            if not versions:
                return
            held_by = {
                flow.id: {found.flow_version for found in snapshot.count(ResponseFilter(flow.id))}
                | {kept.version for kept in snapshot.flow_versions(flow.id)}
                for flow in flows
            }
    except StorageError as error:
        if versions:
            fail(str(error))
        return  # no database yet, or one unreadable: the command says so in its own words
    known = set().union(*held_by.values(), (flow.version for flow in flows))
    unknown = [version for version in versions if version not in known]
    if unknown:
        described = ", ".join(_versions(flow, held_by[flow.id]) for flow in flows)
        fail(
            f"unknown --flow-version {', '.join(map(str, unknown))}: the database holds {described}"
        )


def _versions(flow: Flow, held_here: set[int]) -> str:
    """ "versions 1, 3 of flow 'id' (3: the current one)", after "the database holds"."""
    if not held_here:
        return f"no response of flow '{flow.id}' (its current version: {flow.version})"
    numbers = ", ".join(str(version) for version in sorted(held_here))
    said = f"version{'s' if len(held_here) > 1 else ''} {numbers} of flow '{flow.id}'"
    if flow.version in held_here:
        return f"{said} ({flow.version}: the current one)"
    return f"{said} (the current one, {flow.version}, has no response yet)"


def refuse_changed_flows(db: Path | str, flows: Sequence[Flow]) -> None:
    """Exit, as a start would (`conversation.versions`), when a flow file's questions changed
    under a `version` the database holds: the codebook and the drop-off would describe the
    answers given on it with questions they were not given on (a 4 of 5 read as of 10)."""
    from storage import StorageError, open_snapshot

    try:
        with open_snapshot(db) as snapshot:
            _refuse_changed(snapshot, flows)
    except StorageError:
        return  # no database yet, or one unreadable: the command says so in its own words


def _refuse_changed(snapshot: Snapshot, flows: Sequence[Flow]) -> None:
    from conversation import version_changed

    for flow in flows:
        why = version_changed(flow, snapshot.flow_versions(flow.id))
        if why is not None:
            fail(f"flow {flow.id}: {why}")
