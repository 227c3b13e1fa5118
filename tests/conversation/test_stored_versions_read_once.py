"""The flows' earlier versions are read from the store once per process and parsed once:
a respondent kept on an older version reads it back at each turn (their recap), one with
an answer in progress on it at their first (what the answers meant)."""

from __future__ import annotations

import datetime as dt

import pytest

from conversation.versions import StoredVersions, keep_flow_versions
from flows import load_flow
from storage import Store, Unavailable
from tests.conftest import MINI

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


async def test_a_stored_version_is_read_once_and_unknown_ones_are_none(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    mini = load_flow(MINI)
    await keep_flow_versions(store, [mini], now=NOW)
    reads: list[str] = []
    read = store.flow_versions

    async def counted(flow_id: str) -> object:
        reads.append(flow_id)
        return await read(flow_id)

    monkeypatch.setattr(store, "flow_versions", counted)
    versions = StoredVersions(store)

    first = await versions.get(mini.id, mini.version)
    again = await versions.get(mini.id, mini.version)

    assert first is not None and first.id == mini.id and again is first
    assert reads == [mini.id]
    assert await versions.get(mini.id, mini.version + 1) is None  # never run


async def test_the_database_unavailable_is_raised_not_taken_for_no_version(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(flow_id: str) -> object:
        raise Unavailable("the database is restarting")

    monkeypatch.setattr(store, "flow_versions", down)
    with pytest.raises(Unavailable):
        await StoredVersions(store).get("mini", 1)
