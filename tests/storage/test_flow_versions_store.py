"""Flow versions kept in the database: stored once, never replaced, read back by exports.

Every test runs on SQLite and PostgreSQL (tests/storage/conftest.py). The
copy test moves a database holding versions to the other backend and back,
as `surveybot migrate-db` does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from storage import FlowVersion, open_snapshot
from storage.transfer import copy_database
from tests.conftest import Clock
from tests.storage.conftest import NewResponse


async def test_a_version_is_stored_once_and_never_replaced(store: Any, clock: Clock) -> None:
    first_use = clock.tick()
    stored = await store.record_flow_version(
        "tour", 1, digest="d1", content='{"id":"tour"}', now=first_use
    )
    assert stored == FlowVersion("tour", 1, "d1", '{"id":"tour"}', first_use)
    # The same version again, with other content: what was stored first comes back.
    again = await store.record_flow_version(
        "tour", 1, digest="d1-changed", content='{"id":"tour","x":1}', now=clock.tick()
    )
    assert again == stored
    assert await store.flow_versions("tour") == [stored]


async def test_versions_are_read_per_flow_oldest_first(store: Any, clock: Clock) -> None:
    two = await store.record_flow_version("tour", 2, digest="d2", content="{}", now=clock.tick())
    one = await store.record_flow_version("tour", 1, digest="d1", content="{}", now=clock.tick())
    await store.record_flow_version("actors", 1, digest="a1", content="{}", now=clock.tick())
    assert await store.flow_versions("tour") == [one, two]
    assert [v.flow_id for v in await store.flow_versions("actors")] == ["actors"]
    assert await store.flow_versions("nothing") == []


async def test_the_export_snapshot_reads_the_versions(
    store: Any, store_target: Path | str, clock: Clock
) -> None:
    content = '{"id":"tour","title":"Tour de France, été"}'
    kept = await store.record_flow_version(
        "tour", 1, digest="d1", content=content, now=clock.tick()
    )
    with open_snapshot(store_target) as snapshot:
        assert snapshot.flow_versions("tour") == [kept]
        assert snapshot.flow_versions("other") == []


async def test_migrate_db_copies_the_versions(
    store: Any, store_target: Path | str, tmp_path: Path, postgres_url: str, clock: Clock
) -> None:
    moment = dt.datetime(2026, 11, 30, 9, 15, 1, 123456, tzinfo=dt.UTC)
    kept = [
        await store.record_flow_version("tour", v, digest=f"d{v}", content="{}", now=moment)
        for v in (1, 2)
    ]
    await store.close()
    # To the other backend, and back to SQLite: nothing lost, times to the microsecond.
    other: Path | str = postgres_url if isinstance(store_target, Path) else tmp_path / "copy.db"
    report = await copy_database(store_target, other)
    assert report.counts["flow_versions"] == 2
    back = tmp_path / "back.db"
    await copy_database(other, back)
    for copy in (other, back):
        with open_snapshot(copy) as snapshot:
            assert snapshot.flow_versions("tour") == kept


async def test_a_snapshot_counts_the_responses_of_each_flow_it_holds(
    store: Any, store_target: Path | str, new_response: NewResponse
) -> None:
    """What `export` and `stats` say of a questionnaire they were not given."""
    with open_snapshot(store_target) as snapshot:
        assert snapshot.flows_held() == {}
    await new_response("1", flow_id="entreprises")
    await new_response("2", flow_id="acteurs")
    await new_response("3", flow_id="acteurs")
    with open_snapshot(store_target) as snapshot:
        assert snapshot.flows_held() == {"entreprises": 1, "acteurs": 2}
