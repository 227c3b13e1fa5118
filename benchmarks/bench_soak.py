"""Does the bot stay flat? Ten minutes of respondents, a flooder and an organiser, non-stop.

The real application (both bundled questionnaires, a SQLite file, reminders on a
short policy, python-telegram-bot's rate limiter as deployed) polls the
in-process fake Bot API with its own poller, as it polls Telegram. Respondents
arrive over time and answer; some pause long enough to be reminded, some change
an answer from the summary, some erase themselves (/delete). One user floods
(hundreds of messages at once, periodically); an organiser asks /stats and
/export now and then. Each update's latency runs from the moment it is
available to getUpdates to the bot's first reply to that chat.

    python benchmarks/bench_soak.py                # ten minutes
    python benchmarks/bench_soak.py --minutes 0.2  # a smoke run (CI)
    python benchmarks/bench_soak.py --check        # exit 1 if memory or latency grows

It prints, per minute, the updates timed, their p50 and p99 latency, the calls
to chats a second (what Telegram's limit of 30 messages a second counts),
resident memory and the part of it SQLite holds (its page caches), database
and WAL size; then the totals (rows kept in the inbox and handled_updates among
them) and a one-line verdict: memory from the end of the first minute (warm-up)
to the end; the last minute's p99 against the median of the minutes between.

The default load, 12 respondents a minute, keeps the bot's sends near 20 a
second, two thirds of Telegram's limit, so that what grows is the bot's own
doing. At 20 a minute (`--respondents-per-minute 20`) the sends reach the
limit after a few minutes and replies wait their turn in the fair send queue:
latency then measures Telegram's limit, and the verdict says so.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.constants import FloodLimit

from benchmarks.bench_bot import ADMIN, RESULTS, percentile
from benchmarks.fake_api import BenchAPI, update_json
from benchmarks.measures import (
    GROWING_TABLES,
    peak_rss_mb,
    row_counts,
    rss_mb,
    sizes_mb,
    sqlite_mb,
)
from bot.telegram import build_application, run_polling
from bot.telegram.callback_data import BadButton, decode, encode
from conversation import Action, Intent, Policy, on_question
from flows import (
    Catalogue,
    Flow,
    Kind,
    ResponseState,
    acknowledge,
    answer_text,
    bundled_path,
    choose,
    confirm,
    load_flow,
    load_stages,
    prompt,
    revise,
    start,
    toggle,
)

FLOODER = 6_000_000
FIRST_RESPONDENT = 5_000_000
MEMORY_GROWTH, LATENCY_GROWTH = 0.25, 2.0  # the --check limits
TELEGRAM_LIMIT = FloodLimit.MESSAGES_PER_SECOND  # calls to chats a second, all chats together
AT_LIMIT = 0.9  # a minute whose sends reach this share of the limit is "at the limit"


@dataclass(frozen=True)
class Timing:
    """The run's clock, scaled down for a short run so each event still happens in it."""

    seconds: float
    window: float  # one row of the table
    reminder_after: float
    flood_every: float
    stats_every: float
    think: tuple[float, float]  # seconds a respondent takes to read and tap

    @classmethod
    def of(cls, minutes: float) -> Timing:
        seconds = minutes * 60
        short = seconds < 120
        return cls(
            seconds=seconds,
            window=seconds / 4 if short else 60.0,
            reminder_after=3.0 if short else 20.0,
            flood_every=seconds / 2 if short else 60.0,  # once in each window
            stats_every=seconds / 4 if short else 30.0,
            think=(0.02, 0.15) if short else (0.5, 2.5),
        )


@dataclass
class Tally:
    arrived: int = 0
    completed: int = 0
    paused: int = 0
    revised: int = 0
    erased: int = 0
    erased_after_completing: int = 0
    stuck: int = 0  # a button expected on screen was not there
    timeouts: int = 0
    answers: int = 0
    updates: int = 0
    flood_replies: list[int] = field(default_factory=list)  # messages to the flooder per burst
    stats: int = 0
    exports: int = 0


class Soak:
    """Drives the people; keeps latency samples and memory readings."""

    def __init__(self, application: Any, api: BenchAPI, timing: Timing, db: Path) -> None:
        self.app, self.api, self.timing, self.db = application, api, timing, db
        self.rng = random.Random(12)
        self.tally = Tally()
        # When each update was available, and the seconds to its reply: arrays of doubles,
        # 16 bytes a sample, so that the memory measured is the bot's.
        self.available = array("d")
        self.waited = array("d")
        # (at, RSS, of which SQLite's, DB, WAL) in MB
        self.readings: list[tuple[float, float, float, float, float]] = []
        self.began = time.perf_counter()
        self._ids = 0

    async def send(self, chat: int, text: str | None = None, data: str | None = None) -> None:
        """Offer one update to getUpdates and wait until the bot has handled it."""
        self._ids += 1
        on = self.api.keyboards.get(chat, (0, []))[0]  # the message a button is under
        payload = update_json(self._ids, chat, text=text, data=data, on=on)
        processor = self.app.update_processor
        done = processor.done(payload["update_id"])
        self.api.replied_at.pop(chat, None)
        self.api.offer(payload)
        self.tally.updates += 1
        try:
            await asyncio.wait_for(asyncio.shield(done), 30)
        except TimeoutError:
            self.tally.timeouts += 1
        processor.forget(payload["update_id"])
        available = self.api.available_at.pop(payload["update_id"])
        replied = self.api.replied_at.get(chat)
        if replied is not None and chat != FLOODER:
            self.available.append(available)
            self.waited.append(replied - available)

    async def press(self, chat: int, action: Action) -> None:
        await self.send(chat, data=encode(action))

    async def press_offered(self, chat: int, intent: Intent) -> Action | None:
        """Tap a button of that kind on the chat's live keyboard (one at random), if shown."""
        rows = self.api.keyboards.get(chat, (0, []))[1]
        offered = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
        matching = [data for data in offered if _intent(data) == intent]
        if not matching:
            self.tally.stuck += 1
            return None
        data = self.rng.choice(matching)
        await self.send(chat, data=data)
        return decode(data)

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.timing.think))

    def arriving(self) -> bool:
        """New respondents, floods and organisers' commands come for the run's length only."""
        return time.perf_counter() - self.began < self.timing.seconds

    # --- the people -----------------------------------------------------------------------

    async def visit(self, chat: int, flow: Flow) -> None:
        try:
            await self.respondent(chat, flow)
        finally:
            self.api.forget(chat)  # gone: only the bot's memory of them should remain

    async def respondent(self, chat: int, flow: Flow) -> None:
        rng, tally = self.rng, self.tally
        tally.arrived += 1
        assert flow.audience is not None
        await self.send(chat, f"/start pithiviers__{flow.audience.code}")
        if await self.press_offered(chat, Intent.CONSENT) is None:
            return
        pause_at = rng.randrange(1, 10) if rng.random() < 0.3 else -1
        erase_at = rng.randrange(1, 10) if rng.random() < 0.05 else -1
        state, asked = start(flow), 0
        while prompt(flow, state, "fr") is not None:
            if asked == pause_at:  # long enough to be reminded
                tally.paused += 1
                await asyncio.sleep(self.timing.reminder_after * rng.uniform(1.5, 2.0))
            if asked == erase_at:
                await self.erase(chat)
                return
            state = await self.answer(chat, flow, state, chat + asked)
            asked += 1
            await self.think()
        tally.completed += 1
        if rng.random() < 0.3 and await self.press_offered(chat, Intent.REVISE_MENU):
            await self.think()
            picked = await self.press_offered(chat, Intent.REVISE)
            if picked is not None:
                state = revise(flow, state, picked.value)
                while prompt(flow, state, "fr") is not None:
                    state = await self.answer(chat, flow, state, chat + 1)
                tally.revised += 1
        if rng.random() < 0.05:
            tally.erased_after_completing += 1
            await self.erase(chat)

    async def erase(self, chat: int) -> None:
        await self.send(chat, "/delete")
        await self.think()
        if await self.press_offered(chat, Intent.ERASE) is not None:
            self.tally.erased += 1

    async def answer(self, chat: int, flow: Flow, state: ResponseState, turn: int) -> ResponseState:
        """Answer the question on screen as the engine says it takes; the engine's new state."""
        shown = prompt(flow, state, "fr")
        assert shown is not None
        step, lang = shown.step_id, "fr"
        if shown.kind == Kind.INFO:
            await self.press(chat, Action(Intent.NEXT, shown.seq, step))
            return acknowledge(flow, state, lang).state
        if not shown.awaiting_other:  # "Other: please specify" completes the choice before
            self.tally.answers += 1
        if shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE) and shown.choices:
            code = shown.choices[turn % len(shown.choices)][0]
            await self.press(chat, Action(Intent.CHOOSE, shown.seq, step, code))
            outcome = choose(flow, state, code, lang)
        elif shown.kind == Kind.MULTIPLE_CHOICE and shown.choices:
            # One more tick (a revised answer keeps its earlier ticks: one would be unticked).
            ticks = [c for c, _ in shown.choices if c not in (*shown.exclusive, *shown.selected)]
            ticked = state
            if ticks and len(shown.selected) < (shown.max_selected or len(shown.choices)):
                await self.press(chat, on_question(shown, Intent.TICK, ticks[0]))
                ticked = toggle(flow, state, ticks[0], lang, ticked=True).state
            # "Valider (n)" as redrawn after the tick: it carries the ticks it shows.
            redrawn = prompt(flow, ticked, lang)
            assert redrawn is not None
            await self.press(chat, on_question(redrawn, Intent.CONFIRM))
            outcome = confirm(flow, ticked, lang)
        elif shown.kind == Kind.RANKING and shown.choices:
            ranked = state
            for code, _ in shown.choices[: shown.needed]:
                await self.press(chat, Action(Intent.TICK, state.seq, step, code))
                ranked = toggle(flow, ranked, code, lang, ticked=True).state
            redrawn = prompt(flow, ranked, lang)  # "Valider ce classement" carries the order
            assert redrawn is not None
            await self.press(chat, on_question(redrawn, Intent.CONFIRM))
            outcome = confirm(flow, ranked, lang)
        else:
            low = getattr(flow.step(step), "min", None)
            value = {
                Kind.EMAIL: "soak@example.org",
                Kind.NUMBER: str(int(low or 0) + 5),
                Kind.CODE: "45",  # a département
            }.get(shown.kind, f"Réponse {turn}")
            await self.send(chat, value)
            outcome = answer_text(flow, state, value, lang)
        assert outcome.accepted, (step, outcome.error)
        return outcome.state

    async def flooder(self) -> None:
        """Hundreds of messages at once, now and then: how many messages does it get back?"""
        await self.send(FLOODER, "/start pithiviers__entreprise")
        for burst in itertools.count():
            await self.until((burst + 0.5) * self.timing.flood_every)
            if not self.arriving():
                return
            before = self.api.sent[FLOODER]
            await asyncio.gather(*(self.send(FLOODER, f"spam {n}") for n in range(300)))
            await asyncio.sleep(1)  # the "too many messages" notice comes after the rest
            self.tally.flood_replies.append(self.api.sent[FLOODER] - before)

    async def organiser(self) -> None:
        """/stats twice a window, /export once (so that every window has the same load)."""
        for turn in itertools.count():
            await self.until((turn + 0.25) * self.timing.stats_every)
            if not self.arriving():
                return
            await self.send(ADMIN, "/stats")
            self.tally.stats += 1
            if turn % 2:
                await self.send(ADMIN, "/export")
                self.tally.exports += 1

    async def until(self, offset: float) -> None:
        """Sleep until this many seconds into the run (a schedule that does not drift)."""
        await asyncio.sleep(max(0.0, self.began + offset - time.perf_counter()))

    async def arrivals(
        self, flows: tuple[Flow, ...], per_minute: float
    ) -> list[asyncio.Task[None]]:
        people: list[asyncio.Task[None]] = []
        while self.arriving():
            flow = flows[len(people) % len(flows)]
            chat = FIRST_RESPONDENT + len(people)
            people.append(asyncio.create_task(self.visit(chat, flow)))
            await asyncio.sleep(self.rng.expovariate(per_minute / 60))
        return people

    async def sample_memory(self) -> None:
        while True:
            sqlite = sqlite_mb() or 0.0
            self.readings.append((time.perf_counter(), rss_mb(), sqlite, *sizes_mb(self.db)))
            await asyncio.sleep(1)


def _intent(data: str) -> Intent | None:
    try:
        return decode(data).intent
    except BadButton:  # a page of a long list ("pg|1"), say
        return None


def per_window(soak: Soak) -> list[dict[str, Any]]:
    """A row per window: latency of the updates made available in it, sends made in it;
    memory at its end."""
    rows, width = [], soak.timing.window
    for index in range(max(1, round(soak.timing.seconds / width))):
        low, high = soak.began + index * width, soak.began + (index + 1) * width
        lat = [s for at, s in zip(soak.available, soak.waited, strict=True) if low <= at < high]
        sends = sum(low <= at < high for at in soak.api.to_chats)
        at_end = ([r for r in soak.readings if r[0] < high] or soak.readings)[-1]
        rows.append(
            {
                "minute": round(index * width / 60, 2),
                "updates": len(lat),
                "p50_ms": round(percentile(lat, 0.5) * 1000, 1),
                "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
                "sends_per_s": round(sends / width, 1),
                "rss_mb": round(at_end[1], 1),
                "sqlite_mb": round(at_end[2], 1),
                "db_mb": round(at_end[3], 2),
                "wal_mb": round(at_end[4], 2),
            }
        )
    return rows


def verdict(soak: Soak, end_rss: float) -> tuple[bool, str]:
    """Memory from the end of the first window (warm-up) to the end; the last window's p99
    against the median p99 of the windows between (one window may hold a flood's worst)."""
    rows = per_window(soak)
    warm = rows[0]["rss_mb"]
    growth = end_rss / warm - 1
    between = [row["p99_ms"] for row in rows[1:-1]] or [rows[0]["p99_ms"]]
    usual, last = statistics.median(between), rows[-1]["p99_ms"]
    ratio = last / usual if usual else 1.0
    flat = growth <= MEMORY_GROWTH and ratio <= LATENCY_GROWTH
    line = (
        f"{'flat' if flat else 'NOT flat'}: memory {warm:.0f} MB after warm-up, {end_rss:.0f} "
        f"MB at the end ({growth:+.0%}; limit +{MEMORY_GROWTH:.0%}); p99 {last:.0f} ms in the "
        f"last window, {usual:.0f} ms the median window before ({ratio:.1f}x; limit "
        f"{LATENCY_GROWTH:.0f}x)"
    )
    crowded = [row["minute"] for row in rows if row["sends_per_s"] >= AT_LIMIT * TELEGRAM_LIMIT]
    if crowded:
        line += (
            f"; sends at Telegram's limit ({TELEGRAM_LIMIT} a second) in the windows from "
            f"minute {', '.join(f'{m:g}' for m in crowded)}: replies waited their turn there"
        )
    return flat, line


async def soak(minutes: float, per_minute: float, workdir: Path) -> tuple[dict[str, Any], bool]:
    flows = (load_flow(bundled_path("questionnaire.yaml")), load_flow(bundled_path("acteurs.yaml")))
    timing, api, db = Timing.of(minutes), BenchAPI(), workdir / "soak.sqlite3"
    # Reminders within the run, at any hour (no quiet night), looked for often.
    policy = Policy(
        reminder_after=dt.timedelta(seconds=timing.reminder_after),
        quiet_from=dt.time(0),
        quiet_until=dt.time(0),
        every_seconds=timing.reminder_after / 4,
    )
    stages = load_stages(bundled_path("stages.yaml"))
    application = build_application(
        token="1:soak", flow=Catalogue(flows), stages=stages, request=api,
        admins=frozenset({ADMIN}), policy=policy,
    )  # fmt: skip
    bot = asyncio.create_task(run_polling(application, db))
    while not application.running:
        await asyncio.sleep(0.05)
    start_rss, driver = rss_mb(), Soak(application, api, timing, db)
    work = [driver.sample_memory(), driver.flooder(), driver.organiser()]
    background = [asyncio.create_task(job) for job in work]
    people = await driver.arrivals(flows, per_minute)
    # The last to arrive finish (a pause and all): a few minutes at most.
    await asyncio.wait(people, timeout=timing.reminder_after * 2 + 120)
    elapsed = time.perf_counter() - driver.began
    end_rss, (db_mb, wal_mb), counts = rss_mb(), sizes_mb(db), row_counts(db)
    failed = [t.exception() for t in people if t.done() and t.exception() is not None]
    for task in [*background, *people]:
        task.cancel()
    await asyncio.gather(*background, *people, return_exceptions=True)
    signal.raise_signal(signal.SIGTERM)  # stopped as an operator stops it (run_polling's handler)
    await bot
    if failed:  # a driver's mistake, or a bot's answer it did not expect: the run means nothing
        raise SystemExit(f"{len(failed)} respondents failed, the first with {failed[0]!r}")
    tally = driver.tally
    # Who finished and kept their answers must be stored as such, or the driver fell out of
    # step with the bot (its taps refused as stale) and measured refusals.
    expected = tally.completed - tally.erased_after_completing
    if counts["completed"] != expected or tally.stuck or tally.timeouts:
        raise SystemExit(
            f"the driver fell out of step with the bot: {counts['completed']} responses "
            f"completed, {expected} expected; {tally.stuck} buttons missing; "
            f"{tally.timeouts} updates not handled within 30 s"
        )
    flat, line = verdict(driver, end_rss)
    latencies = list(driver.waited)
    return {
        "minutes": minutes,
        "respondents_per_minute": per_minute,
        "rss_mb_start_end_peak": [round(start_rss, 1), round(end_rss, 1), round(peak_rss_mb(), 1)],
        "db_mb": round(db_mb, 2),
        "wal_mb": round(wal_mb, 2),
        **{f"rows_{table}": counts[table] for table in GROWING_TABLES},
        "answers_per_second": round(tally.answers / elapsed, 1),
        "latency_p50_p99_ms": [round(percentile(latencies, q) * 1000, 1) for q in (0.5, 0.99)],
        **vars(tally),
        "documents_received": len(api.documents),
        "responses_reminded": counts["reminded"],
        "seconds_to_finish_after_arrivals": round(elapsed - timing.seconds),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "verdict": line,
        "per_minute": per_window(driver),
    }, flat


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--minutes", type=float, default=10.0,
        help="new respondents arrive for this long (default 10); the last ones then finish",
    )  # fmt: skip
    parser.add_argument(
        "--respondents-per-minute", type=float, default=12.0,
        help="arrivals (default 12: sends at about two thirds of Telegram's limit)",
    )  # fmt: skip
    parser.add_argument("--check", action="store_true", help="exit 1 unless it stays flat")
    parser.add_argument("--json", type=Path, default=RESULTS / "bench_soak.json")
    args = parser.parse_args()
    if args.minutes <= 0 or args.respondents_per_minute <= 0:
        parser.error("--minutes and --respondents-per-minute must be more than 0")
    with tempfile.TemporaryDirectory() as workdir:
        result, flat = asyncio.run(soak(args.minutes, args.respondents_per_minute, Path(workdir)))
    rows = result["per_minute"]
    for row in [dict(zip(rows[0], rows[0], strict=True)), *rows]:
        print(" ".join(f"{value:>8}" for value in row.values()))
    for key, value in result.items():
        if key not in ("per_minute", "verdict"):
            print(f"{key:<34}  {value}")
    print(result["verdict"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)
    if args.check and not flat:
        sys.exit(1)


if __name__ == "__main__":
    main()
