"""Flow versions kept: each version run is stored once, and a changed file must bump `version`.

Responses record the flow version they were given on; exports read those
versions back from the database (`storage.FlowVersion`) to label older answers.
That only holds if a version number always means the same questions, so at
every start (`Conversation.sync_with_files`, called by `run`, `serve` and `chat`)
each flow's content is compared with what was stored for its version: the
first time, it is stored; the same content passes; other content is refused
with `FlowVersionChanged`, a `StorageError`, which every start command already
turns into its message and exit status 1. So is a version never run, numbered
below one that was: its answers would read as older than answers given before
them. (Two instances started at the same moment with two such numbers could
both pass: the check and the insert are not one transaction; starts are rare
and done by one person, so this is left.)

The content is the flow's model as canonical JSON (keys sorted, defaults left
out), so comments, key order, quoting and explicit defaults in the YAML are no
change. Two parts are left out, as they are not what is asked: the information
notice (`consent`), which has a version of its own (a changed notice is asked
again, `Flow.consent_version`), and the audience (`Flow.audience`: how
respondents pick a flow when a bot runs several), so configuring a second flow
does not force a new version of the first.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from flows import Flow
from storage import FlowVersion, StorageError, SurveyStore, Unavailable

log = logging.getLogger(__name__)

LEFT_OUT = frozenset({"audience", "consent"})
"""Flow keys that are not the questionnaire's content (see the module's doc)."""


class FlowVersionChanged(StorageError):
    """A flow file's content differs from what was first run under its version."""


def canonical_content(flow: Flow) -> str:
    """The flow as compact JSON with sorted keys: the same text for the same questionnaire."""
    data = flow.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude=set(LEFT_OUT))
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(content: str) -> str:
    """The sha256 of canonical content, in hex."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


async def keep_flow_versions(
    store: SurveyStore, flows: Iterable[Flow], *, now: datetime | None = None
) -> list[FlowVersion]:
    """Store each flow's version if new; raise FlowVersionChanged if its content changed.

    Returns what is stored for each flow's version, in the order given.
    """
    moment = now or datetime.now(UTC)
    kept: list[FlowVersion] = []
    for flow in flows:
        versions = await store.flow_versions(flow.id)
        lower = _below_a_version_run(flow, versions)
        if lower is not None:
            raise FlowVersionChanged(f"flow {flow.id}: {lower}")
        content = canonical_content(flow)
        digest = digest_of(content)
        stored = await store.record_flow_version(
            flow.id, flow.version, digest=digest, content=content, now=moment
        )
        if stored.digest != digest:  # changed under its version: say which number to use
            changed = version_changed(flow, [stored, *versions])
            raise FlowVersionChanged(f"flow {flow.id}: {changed}")
        kept.append(stored)
    return kept


def version_changed(flow: Flow, stored: Iterable[FlowVersion]) -> str | None:
    """Why `flow` cannot run on a database that `stored` versions of it come from: its
    questions changed under a `version` already run; None when they did not (or it is new).
    `surveybot validate --db` asks before a start would refuse."""
    stored = list(stored)
    same = next((kept for kept in stored if kept.version == flow.version), None)
    if same is None:
        return _below_a_version_run(flow, stored)
    if same.digest == digest_of(canonical_content(flow)):
        return None
    first_used = same.first_used_at.astimezone(UTC).date().isoformat()
    next_version = max([flow.version, *(kept.version for kept in stored)]) + 1
    return (
        f"the questions changed but `version` is still {flow.version}: "
        f"bump `version` to {next_version} (version {flow.version} was first used on "
        f"{first_used}; a database that only holds rehearsals can be replaced by a new one "
        "instead)"
    )


def _below_a_version_run(flow: Flow, stored: list[FlowVersion]) -> str | None:
    """Why a `version` never run, lower than one that was, is refused: answers would be
    labelled with an older number than answers given before them (a copy of an old file
    edited, a version typed wrong). Going back to an older version as it was is allowed."""
    if any(kept.version == flow.version for kept in stored):
        return None
    newest = max(stored, key=lambda kept: kept.version, default=None)
    if newest is None or newest.version < flow.version:
        return None
    first_used = newest.first_used_at.astimezone(UTC).date().isoformat()
    return (
        f"`version` {flow.version} was never run here, yet version {newest.version} was "
        f"(first used on {first_used}): a new version needs a higher number: "
        f"set `version` to {newest.version + 1}"
    )


class StoredVersions:
    """Earlier versions of the flows, as stored the first time each ran, read and parsed
    once per process (a version stored never changes): what an answer given on one meant
    (`flows.rebase`), how a response kept as given reads back (its recap)."""

    def __init__(self, store: SurveyStore) -> None:
        self.store = store
        self._read: dict[tuple[str, int], Flow | None] = {}

    async def get(self, flow_id: str, version: int) -> Flow | None:
        """That version; None if it is not kept, or cannot be read by this surveybot (a
        newer one's), or the read failed: the caller then reads with the current file.
        The database unavailable is raised: the update waits for it, as any other read's."""
        key = (flow_id, version)
        if key not in self._read:
            try:
                stored = await self.store.flow_versions(flow_id)
            except Unavailable:
                raise
            except StorageError as error:
                log.warning("flow %s version %d cannot be read: %s", flow_id, version, error)
                return None
            content = next((v.content for v in stored if v.version == version), None)
            self._read[key] = _parsed(content) if content is not None else None
        return self._read[key]


def _parsed(content: str) -> Flow | None:
    try:
        return Flow.model_validate_json(content)
    except ValueError as error:  # pydantic's ValidationError is one
        # Written by a newer surveybot (a new kind of question, say), as exports warn too.
        log.warning("a stored flow version cannot be read: %s", str(error).splitlines()[0])
        return None
