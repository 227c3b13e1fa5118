"""The bot benchmark measures the path it names: its respondents all complete, through it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.bench_bot import measure
from benchmarks.measures import row_counts
from benchmarks.walk import script
from flows import bundled_path, load_flow


def steps_of(respondents: int) -> int:
    """The updates the benchmark's respondents send (their answers pick different branches)."""
    flow = load_flow(bundled_path("questionnaire.yaml"))
    return sum(len(script(flow, n)) for n in range(respondents))


@pytest.mark.parametrize("through", ["poller", "webhook", "queue"])
def test_each_path_carries_every_respondent_to_the_end(tmp_path: Path, through: str) -> None:
    result = asyncio.run(measure(2, tmp_path, through=through))

    assert result["through"] == through
    # measure() stops unless both respondents completed; every step was an update.
    assert result["updates"] == steps_of(2)
    for side in ("bot", "baseline"):
        assert result[f"{side}_answers_per_second"] > 0
        assert result[f"{side}_cpu_us_per_update"] > 0
        assert 0 < result[f"{side}_latency_p50_ms"] <= result[f"{side}_latency_p99_ms"]
        # What the host took meanwhile, to tell its latency spikes from the bot's (Linux).
        assert result[f"{side}_host_stolen_cpu_s"] >= 0
    # Through the poller each update is written to the durable inbox; the others skip it.
    inboxed = row_counts(tmp_path / "bench.sqlite3")["inbox"]
    assert inboxed == (result["updates"] if through == "poller" else 0)


def test_open_loop_taps_arrive_at_the_rate_asked(tmp_path: Path) -> None:
    result = asyncio.run(measure(2, tmp_path, rate=50))

    taps = steps_of(2)
    assert result["updates"] == taps
    assert result["rate_taps_per_second"] == 50
    # The last tap is due at (taps - 1) / 50 s: the run cannot be faster than the rate.
    assert result["bot_seconds"] >= (taps - 1) / 50
    assert "baseline_answers_per_second" not in result
