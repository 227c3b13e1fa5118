"""Closing idle responses beside a purge counts only those the purge keeps, on both backends.

`surveybot purge --older-than 365 --abandon-after-days 14` closes the idle responses
first, then deletes what was started before the cutoff: a response both old and
idle was counted twice, as closed and as deleted. So was it in the log of the bot's
daily upkeep (`SURVEYBOT_ABANDON_AFTER_DAYS` beside `SURVEYBOT_RETENTION_DAYS`).
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from conversation import Housekeeping, Policy
from flows import Flow
from storage import Store

NOW = dt.datetime(2019, 12, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


async def started(store: Store, external_id: str, when: dt.datetime) -> None:
    """A response started `when` and untouched since."""
    respondent = await store.ensure_respondent("telegram", external_id, now=when)
    await store.start_response(
        respondent.id,
        flow_id="tdf2019",
        flow_version=3,
        stage_code=None,
        language="fr",
        state_json="{}",
        current_step="q1",
        now=when,
    )


async def test_only_the_responses_a_purge_keeps_are_closed(store: Store) -> None:
    await started(store, "1", NOW - 400 * DAY)  # old: the purge deletes it
    await started(store, "2", NOW - 30 * DAY)  # kept, and idle
    await started(store, "3", NOW - 2 * DAY)  # kept, not idle long enough
    idle_since, kept_from = NOW - 14 * DAY, NOW - 365 * DAY

    counted = await store.abandon_stale(
        idle_since=idle_since, now=NOW, dry_run=True, kept_from=kept_from
    )
    everything = await store.abandon_stale(idle_since=idle_since, now=NOW, dry_run=True)
    closed = await store.abandon_stale(idle_since=idle_since, now=NOW, kept_from=kept_from)

    assert (counted, everything, closed) == (1, 2, 1)
    # The old one is still open, for the purge to delete.
    assert await store.abandon_stale(idle_since=idle_since, now=NOW) == 1


async def test_the_daily_upkeep_says_it_closed_only_what_it_keeps(
    store: Store, mini_flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    await started(store, "1", NOW - 400 * DAY)
    await started(store, "2", NOW - 30 * DAY)
    policy = Policy(abandon_after=14 * DAY, retention=365 * DAY)

    with caplog.at_level(logging.INFO, logger="conversation.housekeeping"):
        assert await Housekeeping(store, mini_flow, policy).upkeep(NOW)

    said = [record.getMessage() for record in caplog.records]
    assert "closed 1 response(s) untouched for 14 days as abandoned" in said
    assert any(line.startswith("retention: deleted 1 response(s)") for line in said)
