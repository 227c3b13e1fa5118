"""`export --flow-version` checks the flow files and the versions on one snapshot of the
database: one read-only open per command, not one per check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import storage
from bot.cli.held import check_versions
from flows import load_flow
from tests.bot.test_export_changed_flow import _ran_on
from tests.conftest import MINI


def test_the_checks_share_one_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "tour.sqlite3"
    _ran_on(db, MINI)
    opened: list[object] = []
    real = storage.open_snapshot

    @contextmanager
    def counted(target: object) -> Iterator[object]:
        opened.append(target)
        with real(target) as snapshot:  # type: ignore[arg-type]
            yield snapshot

    monkeypatch.setattr(storage, "open_snapshot", counted)
    flow = load_flow(MINI)
    check_versions(db, [flow], [flow.version])
    assert opened == [db]
    with pytest.raises(SystemExit):  # a version no response and no start has: said
        check_versions(db, [flow], [flow.version + 5])
