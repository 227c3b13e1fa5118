"""How fast is the whole bot? N respondents complete the bundled questionnaire concurrently.

Through the real Application, handlers, engine and SQLite store (each answer
committed before its reply), with the Bot API faked in-process at the
BaseRequest boundary. In the same run, a baseline: a bare python-telegram-bot
application making the same Bot API calls per update (answer the callback,
edit the message, send the next one) with no engine and no storage.

    python benchmarks/bench_bot.py                  # 1,000 respondents
    python benchmarks/bench_bot.py --respondents 50 # a quick smoke run
    python benchmarks/bench_bot.py --export-responses 120000
        # respondents' latency while an organiser's /export of ~4M answers runs
    python benchmarks/bench_bot.py --db postgresql://user@host/empty_db
        # the same, on PostgreSQL instead of a temporary SQLite file

The PostgreSQL database must be empty (the benchmark leaves its respondents
there); put its password in PGPASSWORD rather than in the URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
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

from benchmarks.fake_api import BenchAPI
from bot.telegram import build_application, running
from bot.telegram.callback_data import encode
from bot.telegram.processor import PerRespondentProcessor
from conversation import Action, Intent
from flows import (
    Flow,
    Kind,
    acknowledge,
    answer_text,
    bundled_path,
    choose,
    confirm,
    load_flow,
    load_stages,
    prompt,
    start,
    toggle,
)
from storage import ResponseStatus, describe_target, is_postgres_url

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Step:
    """One thing a respondent does: type a text, or tap a button."""

    text: str | None = None
    button: Action | None = None
    answers: int = 0  # how many answers this step completes (0 for a toggle or an info step)


def script(flow: Flow, turn: int) -> list[Step]:
    """The taps and texts that complete the flow, worked out with the engine itself."""
    state = start(flow)
    steps: list[Step] = [Step(text="/start pithiviers")]
    if flow.consent_version is not None:
        # "✅ J'accepte": the response (and every answer after it) is stored from here on.
        # The button carries the notice's version: without it the bot asks again, and
        # every later tap is stale (the benchmark then measured refusals, not answers).
        consent = Action(
            Intent.CONSENT, stage="pithiviers", lang="fr", version=flow.consent_version
        )
        steps.append(Step(button=consent))
    while (shown := prompt(flow, state, "fr")) is not None:
        step = flow.step(shown.step_id)
        data = Action(Intent.CHOOSE, shown.seq, shown.step_id)
        if shown.kind == Kind.INFO:
            outcome = acknowledge(flow, state, "fr")
            steps.append(Step(button=Action(Intent.NEXT, shown.seq, shown.step_id)))
        elif shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE):
            code = shown.choices[turn % 2][0]
            outcome = choose(flow, state, code, "fr")
            steps.append(Step(button=Action(data.intent, data.seq, data.step, code), answers=1))
        elif shown.kind == Kind.MULTIPLE_CHOICE:
            code = next(c for c, _ in shown.choices if c not in shown.exclusive)
            toggled = toggle(flow, state, code, "fr").state
            steps.append(Step(button=Action(Intent.TOGGLE, shown.seq, shown.step_id, code)))
            outcome = confirm(flow, toggled, "fr")
            steps.append(Step(button=Action(Intent.CONFIRM, toggled.seq, shown.step_id), answers=1))
        elif shown.kind == Kind.RANKING:
            current = state
            for code, _ in shown.choices[: shown.needed]:
                result = toggle(flow, current, code, "fr")
                steps.append(Step(button=Action(Intent.TOGGLE, current.seq, shown.step_id, code)))
                current = result.state
            steps[-1].answers = 1
            state = current
            continue
        else:
            low = getattr(step, "min", None)
            value = {
                Kind.EMAIL: "bench@example.org",
                Kind.NUMBER: str(int(low or 0) + 5),
                Kind.CODE: "45",  # a département
            }.get(shown.kind, f"Réponse de test {turn}")
            outcome = answer_text(flow, state, value, "fr")
            steps.append(Step(text=value, answers=1))
        assert outcome.accepted, (shown.step_id, outcome.error)
        state = outcome.state
    return steps


ADMIN = 42


@dataclass
class Driver:
    """Feeds every respondent's next step, in rounds, and times each reply."""

    application: Any
    api: BenchAPI
    scripts: dict[int, list[Step]]
    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    updates: int = 0
    answers: int = 0
    _ids: int = 0

    def _update(self, chat_id: int, step: Step) -> Update:
        self._ids += 1
        user = {"id": chat_id, "is_bot": False, "first_name": "R", "language_code": "fr"}
        chat = {"id": chat_id, "type": "private"}
        if step.text is not None:
            message: dict[str, Any] = {
                "message_id": self._ids,
                "date": 0,
                "chat": chat,
                "from": user,
                "text": step.text,
            }
            if step.text.startswith("/"):
                length = len(step.text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            payload: dict[str, Any] = {"update_id": self._ids, "message": message}
        else:
            assert step.button is not None
            message_id = self.api.keyboards.get(chat_id, (0, []))[0]
            payload = {
                "update_id": self._ids,
                "callback_query": {
                    "id": str(self._ids),
                    "from": user,
                    "chat_instance": str(chat_id),
                    "data": encode(step.button),
                    "message": {"message_id": message_id, "date": 0, "chat": chat, "text": "?"},
                },
            }
        return Update.de_json(payload, self.application.bot)

    async def run(self) -> float:
        processor = self.application.update_processor
        position = dict.fromkeys(self.scripts, 0)
        began = time.perf_counter()
        while position:
            waits = []
            sent: dict[int, float] = {}
            for chat_id in list(position):
                step = self.scripts[chat_id][position[chat_id]]
                update = self._update(chat_id, step)
                self.api.replied_at.pop(chat_id, None)
                waits.append(processor.done(update.update_id))
                sent[chat_id] = time.perf_counter()
                await self.application.update_queue.put(update)
                self.updates += 1
                self.answers += step.answers
                position[chat_id] += 1
                if position[chat_id] == len(self.scripts[chat_id]):
                    del position[chat_id]
            await asyncio.gather(*waits)
            for chat_id, at in sent.items():
                replied = self.api.replied_at.get(chat_id)
                if replied is not None:
                    self.latencies.append(replied - at)
                    self.sent_at.append(at)
        return time.perf_counter() - began


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
        .updater(None)
        .build()
    )
    application.add_handler(CallbackQueryHandler(reply))
    application.add_handler(MessageHandler(filters.ALL, reply))
    return application


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def export_while_answering(
    application: Any, api: BenchAPI, bot: Driver
) -> tuple[float, float, list[float]]:
    """An organiser's /export sent as the respondents start; (start, end, latencies meanwhile)."""
    export = Driver(application, api, {ADMIN: [Step(text="/export")]})
    export._ids = 10_000_000  # update ids apart from the respondents'
    began = time.perf_counter()
    task = asyncio.create_task(export.run())
    await asyncio.sleep(0)
    await bot.run()
    await task
    ended = api.documents[0] if api.documents else time.perf_counter()
    during = [
        lat for lat, at in zip(bot.latencies, bot.sent_at, strict=True) if began <= at <= ended
    ]
    return began, ended, during


async def measure(
    respondents: int, workdir: Path, export_responses: int = 0, postgres: str | None = None
) -> dict[str, Any]:
    flow = load_flow(bundled_path("questionnaire.yaml"))
    stages = load_stages(bundled_path("stages.yaml"))
    # Chat ids apart from the synthetic respondents' (10,000 + n).
    scripts = {5_000_000 + n: script(flow, n) for n in range(respondents)}
    db: Path | str = postgres or workdir / "bench.sqlite3"
    existing_answers = 0
    if export_responses:
        from benchmarks.bench_export import build_database

        existing_answers = await asyncio.to_thread(
            build_database, db, bundled_path("questionnaire.yaml"), export_responses
        )

    api = BenchAPI()
    application = build_application(
        token="1:bench",
        flow=flow,
        stages=stages,
        request=api,
        rate_limit=False,
        admins=frozenset({ADMIN}),
    )
    during_export: list[float] = []
    export_seconds = 0.0
    async with running(application, db) as store:
        bot = Driver(application, api, scripts)
        if export_responses:
            began = time.perf_counter()
            start, end, during_export = await export_while_answering(application, api, bot)
            bot_seconds = time.perf_counter() - began
            export_seconds = end - start
        else:
            bot_seconds = await bot.run()
        completed = [
            r for r in await store.list_responses() if r.status == ResponseStatus.COMPLETED
        ]
        # A run whose taps were refused (stale, say) measures nothing worth reporting.
        if len(completed) != respondents + export_responses:
            raise SystemExit(f"only {len(completed) - export_responses} of {respondents} completed")
    bot_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base_api = BenchAPI()
    baseline_app = build_baseline(base_api)
    async with baseline_app:
        await baseline_app.start()
        base = Driver(baseline_app, base_api, scripts)
        base_seconds = await base.run()
        await baseline_app.stop()

    bot_rate = bot.answers / bot_seconds
    base_rate = base.answers / base_seconds
    return {
        "respondents": respondents,
        "database": describe_target(postgres) if postgres else "SQLite (temporary file)",
        "updates": bot.updates,
        "answers": bot.answers,
        "bot_seconds": round(bot_seconds, 3),
        "baseline_seconds": round(base_seconds, 3),
        "bot_answers_per_second": round(bot_rate, 1),
        "baseline_answers_per_second": round(base_rate, 1),
        "ratio_to_baseline": round(bot_rate / base_rate, 3),
        "bot_latency_p50_ms": round(statistics.median(bot.latencies) * 1000, 2),
        "bot_latency_p99_ms": round(percentile(bot.latencies, 0.99) * 1000, 2),
        "baseline_latency_p50_ms": round(statistics.median(base.latencies) * 1000, 2),
        "baseline_latency_p99_ms": round(percentile(base.latencies, 0.99) * 1000, 2),
        "peak_rss_mb_after_bot": round(bot_peak_mb, 1),
        **(
            {
                "export_answers_in_db": existing_answers,
                "export_seconds_inside_bot": round(export_seconds, 1),
                "updates_during_export": len(during_export),
                "latency_p50_ms_during_export": round(
                    statistics.median(during_export) * 1000 if during_export else 0, 2
                ),
                "latency_p99_ms_during_export": round(percentile(during_export, 0.99) * 1000, 2),
            }
            if export_responses
            else {}
        ),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--respondents", type=int, default=1000)
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
    if args.db and args.export_responses:
        parser.error("--export-responses builds a SQLite file: run it without --db")
    if args.db and not is_postgres_url(args.db):
        parser.error(f"--db takes a postgresql:// URL, not {args.db!r}")
    name = "bench_bot_export.json" if args.export_responses else "bench_bot.json"
    if args.db:
        name = "bench_bot_postgres.json"
    args.json = args.json or RESULTS / name
    with tempfile.TemporaryDirectory() as workdir:
        result = asyncio.run(
            measure(args.respondents, Path(workdir), args.export_responses, args.db)
        )
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
