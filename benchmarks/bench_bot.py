"""How fast is the whole bot? N respondents complete the bundled questionnaire concurrently.

Through the real Application, handlers, engine and store (each answer
committed before its reply), with the Bot API faked in-process at the
BaseRequest boundary. In the same run, a baseline: a bare python-telegram-bot
application making the same Bot API calls per update (answer the callback,
edit the message, send the next one) with no engine and no storage, fed the
same way (benchmarks/feeding.py): through a fake getUpdates that hands out
what respondents sent in batches of up to 100 (the bot's own poller fetching,
writing each batch to its inbox and confirming it; the baseline polling with
python-telegram-bot's Updater), through the webhook, or straight onto the
update queue.

    python benchmarks/bench_bot.py                    # 1,000 respondents, through the poller
    python benchmarks/bench_bot.py --through webhook  # the same, POSTed to the webhook
    python benchmarks/bench_bot.py --rate 100         # open loop: 100 taps/s, the bot's p99
    python benchmarks/bench_bot.py --respondents 50   # a quick smoke run
    python benchmarks/bench_bot.py --export-responses 120000
        # respondents' latency while an organiser's /export of ~4M answers runs
    python benchmarks/bench_bot.py --db postgresql://user@host/empty_db
        # the same, on PostgreSQL instead of a temporary SQLite file (with
        # --export-responses, the tour is built in SQLite and copied there as
        # `surveybot migrate-db` would)

Per side: answers/s, process CPU microseconds per update (CPU time around
that side's run, the driver's included, ÷ updates), p50/p99 latency from an
update being available (offered to getUpdates, POSTed, queued) to its first
reply leaving, and the CPU time the host took from this virtual machine
meanwhile (Linux's steal time): open-loop runs with a second or more of it had
p99s of 70 to 80 ms where quiet ones had 40 to 46. The PostgreSQL database
must be empty (the benchmark leaves its respondents there); put its password
in PGPASSWORD rather than in the URL.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from benchmarks.fake_api import BenchAPI, update_json
from benchmarks.feeding import THROUGH, Feed, baseline_feed, bot_feed
from benchmarks.measures import peak_rss_mb, stolen_cpu_s
from benchmarks.walk import Step, script
from bot.telegram import build_application, running
from bot.telegram.callback_data import encode
from bot.telegram.processor import PerRespondentProcessor
from flows import bundled_path, load_flow, load_stages
from storage import ResponseStatus, describe_target, is_postgres_url

RESULTS = Path(__file__).resolve().parent / "results"


ADMIN = 42


@dataclass
class Driver:
    """Respondents tap through their scripts; each update is timed from available to reply.

    Closed loop by default: every respondent sends their next step as soon as the
    previous one is handled, so `len(scripts)` updates are in flight at once. With
    `rate`, open loop: tap k of the run is due at k / rate seconds, respondent
    k mod n's next step, whether or not the bot keeps up (a respondent whose
    previous reply has not come yet taps late: counted in `late`).
    """

    application: Any
    api: BenchAPI
    scripts: dict[int, list[Step]]
    feed: Feed
    rate: float | None = None
    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    updates: int = 0
    answers: int = 0
    late: int = 0
    # Update ids grow in the order updates arrive, across drivers, as Telegram's do
    # (getUpdates' offset confirms every id below it).
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def run(self) -> float:
        began = time.perf_counter()
        order = list(self.scripts)
        await asyncio.gather(
            *(self._respondent(chat, i, len(order), began) for i, chat in enumerate(order))
        )
        return time.perf_counter() - began

    async def _respondent(self, chat_id: int, index: int, count: int, began: float) -> None:
        for j, step in enumerate(self.scripts[chat_id]):
            if self.rate is not None:
                due = began + (j * count + index) / self.rate
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                elif -wait > 1 / self.rate:
                    self.late += 1
            await self._tap(chat_id, step)

    async def _tap(self, chat_id: int, step: Step) -> None:
        update_id = next(self.ids)
        on = self.api.keyboards.get(chat_id, (0, []))[0]  # the message a button is under
        data = encode(step.button) if step.button is not None else None
        payload = update_json(update_id, chat_id, text=step.text, data=data, on=on)
        processor = self.application.update_processor
        handled = processor.done(update_id)
        self.api.replied_at.pop(chat_id, None)
        available = time.perf_counter()
        await self.feed.deliver(payload)
        self.updates += 1
        self.answers += step.answers
        await handled
        processor.forget(update_id)
        self.api.available_at.pop(update_id, None)
        replied = self.api.replied_at.get(chat_id)
        if replied is not None and chat_id != ADMIN:
            self.latencies.append(replied - available)
            self.sent_at.append(available)


def build_baseline(api: BenchAPI) -> Any:
    """The same Bot API calls per update, nothing else: answer, edit, send the next."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Oui", callback_data="c|0|q|yes")],
            [InlineKeyboardButton("Non", callback_data="c|0|q|no")],
        ]
    )

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        assert chat is not None
        if update.callback_query is not None:
            await update.callback_query.answer()
            message = update.callback_query.message
            await context.bot.edit_message_text(
                "Question\n\n✅ Réponse",
                chat_id=chat.id,
                message_id=message.message_id if message else 1,
            )
        await context.bot.send_message(
            chat.id, "<b>Question</b>\nTexte", parse_mode="HTML", reply_markup=keyboard
        )

    application = (
        ApplicationBuilder()
        .token("1:bench")
        .request(api)
        .get_updates_request(api)
        .concurrent_updates(PerRespondentProcessor())
        .build()
    )
    application.add_handler(CallbackQueryHandler(reply))
    application.add_handler(MessageHandler(filters.ALL, reply))
    return application


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class Side:
    """What one side (the bot, or the baseline) did in its run."""

    driver: Driver
    seconds: float
    cpu: float  # process CPU seconds (user + system) around the run
    stolen: float | None = None  # CPU seconds the host took from the machine meanwhile

    def figures(self, name: str) -> dict[str, Any]:
        lat = self.driver.latencies
        return {
            f"{name}_seconds": round(self.seconds, 3),
            f"{name}_answers_per_second": round(self.driver.answers / self.seconds, 1),
            f"{name}_cpu_us_per_update": round(self.cpu / self.driver.updates * 1e6),
            f"{name}_latency_p50_ms": round(statistics.median(lat) * 1000, 2) if lat else None,
            f"{name}_latency_p99_ms": round(percentile(lat, 0.99) * 1000, 2),
            # A second or more: the p99 says more about the host than about the bot.
            f"{name}_host_stolen_cpu_s": None if self.stolen is None else round(self.stolen, 2),
        }


async def timed(driver: Driver) -> Side:
    cpu, began, stolen = time.process_time(), time.perf_counter(), stolen_cpu_s()
    await driver.run()
    after = stolen_cpu_s()
    taken = None if stolen is None or after is None else after - stolen
    return Side(driver, time.perf_counter() - began, time.process_time() - cpu, taken)


async def export_while_answering(bot: Driver) -> tuple[Side, float, list[float]]:
    """An organiser's /export sent as the respondents start: (their side, export s, latencies)."""
    export = replace(bot, scripts={ADMIN: [Step(text="/export")]}, rate=None, latencies=[])
    began = time.perf_counter()
    task = asyncio.create_task(export.run())
    await asyncio.sleep(0)
    side = await timed(bot)
    await task
    ended = bot.api.documents[0] if bot.api.documents else time.perf_counter()
    during = [
        lat for lat, at in zip(bot.latencies, bot.sent_at, strict=True) if began <= at <= ended
    ]
    return side, ended - began, during


async def run_bot(
    through: str,
    scripts: dict[int, list[Step]],
    db: Path | str,
    export_responses: int,
    rate: float | None,
) -> tuple[Side, dict[str, Any]]:
    """The whole bot on `db`, fed through `through`; stops unless every respondent completes."""
    api = BenchAPI()
    application = build_application(
        token="1:bench",
        flow=load_flow(bundled_path("questionnaire.yaml")),
        stages=load_stages(bundled_path("stages.yaml")),
        request=api,
        rate_limit=False,
        admins=frozenset({ADMIN}),
    )
    extra: dict[str, Any] = {}
    async with running(application, db, polling=through == "poller") as store:
        async with bot_feed(through, application, api) as feed:
            driver = Driver(application, api, scripts, feed, rate)
            if export_responses:
                side, export_seconds, during = await export_while_answering(driver)
                extra = {
                    "export_seconds_inside_bot": round(export_seconds, 1),
                    "updates_during_export": len(during),
                    "latency_p50_ms_during_export": round(
                        statistics.median(during) * 1000 if during else 0, 2
                    ),
                    "latency_p99_ms_during_export": round(percentile(during, 0.99) * 1000, 2),
                }
            else:
                side = await timed(driver)
        completed = await store.list_responses()
        done = sum(r.status == ResponseStatus.COMPLETED for r in completed) - export_responses
        # A run whose taps were refused (stale, say) measures nothing worth reporting.
        if done != len(scripts):
            raise SystemExit(f"only {done} of {len(scripts)} respondents completed")
    extra["peak_rss_mb_after_bot"] = round(peak_rss_mb(), 1)
    return side, extra


async def run_baseline(through: str, scripts: dict[int, list[Step]]) -> Side:
    api = BenchAPI()
    application = build_baseline(api)
    async with application:
        await application.start()
        try:
            async with baseline_feed(through, application, api) as feed:
                return await timed(Driver(application, api, scripts, feed))
        finally:
            await application.stop()


async def measure(
    respondents: int,
    workdir: Path,
    *,
    through: str = "poller",
    export_responses: int = 0,
    postgres: str | None = None,
    rate: float | None = None,
) -> dict[str, Any]:
    flow = load_flow(bundled_path("questionnaire.yaml"))
    # Chat ids apart from the synthetic respondents' (10,000 + n).
    scripts = {5_000_000 + n: script(flow, n) for n in range(respondents)}
    db: Path | str = postgres or workdir / "bench.sqlite3"
    result: dict[str, Any] = {
        "through": through,
        "respondents": respondents,
        "database": describe_target(postgres) if postgres else "SQLite (temporary file)",
    }
    if export_responses:
        from benchmarks.bench_export import build_database
        from storage.transfer import copy_database

        tour = workdir / "bench.sqlite3"
        result["export_answers_in_db"] = await asyncio.to_thread(
            build_database, tour, bundled_path("questionnaire.yaml"), export_responses
        )
        if postgres:
            # Into PostgreSQL as `surveybot migrate-db` copies a tour there.
            began = time.perf_counter()
            await copy_database(tour, postgres)
            result["copy_to_postgresql_seconds"] = round(time.perf_counter() - began, 1)
    bot, extra = await run_bot(through, scripts, db, export_responses, rate)
    result |= {"updates": bot.driver.updates, "answers": bot.driver.answers}
    if rate is not None:
        # Open loop: what a respondent feels at that rate; no baseline to compare with.
        result |= {
            "rate_taps_per_second": rate,
            "achieved_taps_per_second": round(bot.driver.updates / bot.seconds, 1),
            "late_taps": bot.driver.late,
            **bot.figures("bot"),
        }
    else:
        base = await run_baseline(through, scripts)
        bot_rate = bot.driver.answers / bot.seconds
        base_rate = base.driver.answers / base.seconds
        result |= {
            **bot.figures("bot"),
            **base.figures("baseline"),
            "ratio_to_baseline": round(bot_rate / base_rate, 3),
            "cpu_ratio_to_baseline": round(base.cpu / bot.cpu, 3),
        }
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    return result | extra | {"machine": machine}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--respondents",
        type=int,
        default=None,
        help="respondents completing the questionnaire (default 1,000; 50 with --rate)",
    )
    parser.add_argument(
        "--through",
        choices=THROUGH,
        default="poller",
        help="how updates reach the bot and the baseline (default: poller, the real path)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="TAPS_PER_SECOND",
        help="open loop: taps arrive at this rate whatever the replies (for example 100); "
        "the bot's latency at that rate, no baseline",
    )
    parser.add_argument(
        "--export-responses",
        type=int,
        default=0,
        help="first fill the database with this many completed responses, and have an "
        "organiser /export them while the respondents answer",
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--db", metavar="URL", help="run the bot on this empty PostgreSQL database instead"
    )
    args = parser.parse_args()
    if args.db and not is_postgres_url(args.db):
        parser.error(f"--db takes a postgresql:// URL, not {args.db!r}")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate takes a number of taps per second above 0")
    if args.respondents is None:
        args.respondents = 50 if args.rate else 1000
    if args.respondents < 1:
        parser.error("--respondents takes a number above 0")
    name = "bench_bot" if args.through == "poller" else f"bench_bot_{args.through}"
    name += "_open_loop" if args.rate else ""
    name += "_export" if args.export_responses else ""
    name += "_postgres" if args.db else ""
    args.json = args.json or RESULTS / f"{name}.json"
    with tempfile.TemporaryDirectory() as workdir:
        result = asyncio.run(
            measure(
                args.respondents,
                Path(workdir),
                through=args.through,
                export_responses=args.export_responses,
                postgres=args.db,
                rate=args.rate,
            )
        )
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
