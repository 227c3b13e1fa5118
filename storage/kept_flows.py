"""Flow versions kept in the database: what is stored, and the store methods both backends share.

The first time the bot or the chat runs a version of a flow, its content (the
flow as canonical JSON), its version and a digest of that content are stored
(`flow_versions`, one row per flow and version, never changed afterwards).
Exports read them back so that answers given on an older version keep their
labels, question texts and kinds after the flow file moved on; the start-up
check (`conversation.keep_flow_versions`) compares a file's digest with the one
stored for its version, so content changed without a new `version` is refused.

The SQL is in `storage.flow_versions` and `storage.postgres.flow_versions`
(same names and signatures); `Store` and `PostgresStore` set `_flow_sql`.
"""

# The SQL functions are typed in their modules; reached through `_flow_sql`, a
# module, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any


@dataclass(frozen=True, slots=True)
class FlowVersion:
    """One version of a flow as it was first run."""

    flow_id: str
    version: int
    digest: str
    """sha256 of `content`, in hex."""
    content: str
    """The flow as canonical JSON (`conversation.versions.canonical_content`)."""
    first_used_at: dt.datetime


class FlowVersionMethods:
    """`record_flow_version` and `flow_versions`, for both stores."""

    _flow_sql: ModuleType
    """The backend's SQL module for this table (`storage.flow_versions` or its twin)."""
    _db: Any

    async def record_flow_version(
        self, flow_id: str, version: int, *, digest: str, content: str, now: dt.datetime
    ) -> FlowVersion:
        """Store this version of the flow if it is not yet; return what is stored for it.

        The stored row is never replaced: when its digest differs from `digest`,
        the caller learns that the file changed under the same version.
        """
        write = partial(
            self._flow_sql.record,
            flow_id=flow_id,
            version=version,
            digest=digest,
            content=content,
            now=now,
        )
        return await self._db.run_write(write, "record the flow version")

    async def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every stored version of `flow_id`, oldest first."""
        read = partial(self._flow_sql.list_versions, flow_id=flow_id)
        return await self._db.run_read(read, "read the stored flow versions")
