"""The store's flow-version methods, alike on both backends (as `storage.methods` is).

What a kept flow version is, and why, is told in `storage.flow_versions`. Each
method is one call to the backend's `run_write` or `run_read` with a function
of its flow-versions module (`storage.flow_versions`,
`storage.postgres.flow_versions`), named in the store's `_sql`.
"""

# The SQL functions are typed in their modules; reached through `_sql`, a tuple
# of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, ClassVar

from storage.flow_versions import FlowVersion
from storage.methods import SqlModules


class FlowVersionMethods:
    """`record_flow_version` and `flow_versions`, for both stores."""

    _sql: ClassVar[SqlModules]
    _db: Any

    async def record_flow_version(
        self, flow_id: str, version: int, *, digest: str, content: str, now: dt.datetime
    ) -> FlowVersion:
        """Store this version of the flow if it is not yet; return what is stored for it.

        The stored row is never replaced: when its digest differs from `digest`,
        the caller learns that the file changed under the same version.
        """
        write = partial(
            self._sql.flow_versions.record,
            flow_id=flow_id,
            version=version,
            digest=digest,
            content=content,
            now=now,
        )
        return await self._db.run_write(write, "record the flow version")

    async def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every stored version of `flow_id`, oldest first."""
        read = partial(self._sql.flow_versions.list_versions, flow_id=flow_id)
        return await self._db.run_read(read, "read the stored flow versions")
