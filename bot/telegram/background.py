"""Organiser work off the update path: recorded as a job, acknowledged, done in the background.

An `/export` of millions of answers takes seconds. Awaited in its handler, it
held the organiser's turn, and (before the poller's inbox) every respondent
behind it. Now the handler records a job (`store.add_job`),
tells the organiser the file is coming and returns at once; the job runs as a
task of the application, its heavy part in another process
(`worker_process.in_another_process`, started by organiser_export.py and organiser.py).
python-telegram-bot's `Application.stop` waits for those tasks, so a clean stop
(SIGTERM) finishes the jobs under way before the store closes.

Durable: the job's row is written before the acknowledgement and ended only
once its result is sent. A bot that stopped under way (a crash, SIGKILL, a
power cut) finds the row pending when it starts again, tells the organiser,
and does the job again from the start (an export reads a fresh snapshot). The
file may so arrive twice, if the bot died between sending it and ending the
row: at least once, as with updates. A job started `MAX_STARTS` times without
ending is given up, with a word to the organiser, so a job that brings the bot
down does not do so at every start.

Several instances (PostgreSQL): a job runs where its lease
(`take_lease("job:<id>")`) is held, so one instance does it. The lease is a
session lock the server releases when its holder dies, and each instance looks
for pending jobs nobody holds every `SWEEP_EVERY`, so a job whose instance died
is finished by another one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Final

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.telegram.context import BotApplication, BotContext
from bot.telegram.sending import Chat
from bot.telegram.words import tg
from storage import Job, SurveyStore

log = logging.getLogger(__name__)

Runner = Callable[[BotApplication, Job, Chat], Awaitable[None]]
"""Does a job of one kind and sends its result to the organiser's chat."""

MAX_STARTS: Final = 3
"""Starts after which an unfinished job is given up (each restart under way is one)."""

SWEEP_EVERY: Final = dt.timedelta(minutes=1)
"""How often an instance looks for pending jobs nobody runs (their instance died)."""

FRESH: Final = dt.timedelta(seconds=30)
"""A job never started and younger than this is its submitter's: a sweep leaves it alone."""


class OrganiserJobs:
    """Records organiser jobs, runs them in the background, takes up the unfinished ones."""

    def __init__(self, application: BotApplication, runners: Mapping[str, Runner]) -> None:
        self._application = application
        self._runners = dict(runners)
        self._mine: set[int] = set()
        """Jobs this process runs now: a sweep does not take them up as interrupted."""
        self._tasks: set[asyncio.Task[None]] = set()
        self.rounds = 0
        """How many rounds have looked for pending jobs (the first runs at start-up)."""

    @property
    def _store(self) -> SurveyStore:
        return self._application.bot_data.conversation.store

    def _now(self) -> dt.datetime:
        return self._application.bot_data.clock()

    async def submit(
        self,
        kind: str,
        chat: Chat,
        lang: str,
        args: dict[str, Any],
        *,
        ack: str | None,
        update_id: int | None,
    ) -> Job | None:
        """Record the job, then acknowledge it (`ack`, HTML), then start it in the background.

        In that order: a crash after the acknowledgement finds the job recorded.
        The command's `update_id` goes with it: a redelivered command (the bot
        stopped before confirming it) is recognised, and not done twice. A double
        tap on the command (two updates, perhaps taken by two instances at once)
        is one job too: the store refuses the same job while it is pending, in the
        database, so its files come once, not twice under the same names.
        """
        if kind not in self._runners:
            raise ValueError(f"no runner for organiser jobs of kind {kind!r}")
        job = await self._store.add_job(
            kind=kind,
            chat_id=str(chat.chat_id),
            language=lang,
            args=args,
            now=self._now(),
            update_id=update_id,
        )
        if job is None:
            if await self._under_way(kind, chat, args):
                await chat.send(tg(f"org_job_already_{kind}", lang))
            else:
                log.info("update %s asked for a job already recorded; not again", update_id)
            return None
        if ack is not None:
            await chat.send(ack)
        self._launch(job, interrupted=False)
        return job

    async def _under_way(self, kind: str, chat: Chat, args: dict[str, Any]) -> bool:
        """Whether the same job for the same chat is recorded and not ended yet."""
        return any(
            job.kind == kind and job.chat_id == str(chat.chat_id) and job.args == args
            for job in await self._store.unfinished_jobs()
        )

    async def take_up(self) -> int:
        """Take up the pending jobs no one runs, telling each organiser; how many were taken.

        Taken is the job's lease held here and its start counted, before it
        runs in the background: a job another instance runs keeps its lease
        there, one ended meanwhile is not started again, and neither is said
        nor counted. A job never started and just recorded is its submitter's,
        about to start it, even at start-up: another instance sharing the
        database may have acknowledged it a moment ago (a rolling restart).
        """
        now = self._now()
        taken = 0
        for job in await self._store.unfinished_jobs():
            if job.id in self._mine:
                continue
            recent = job.created_at is not None and now - job.created_at < FRESH
            if job.attempts == 0 and recent:
                continue
            self._mine.add(job.id)  # a submit or a round of this process meanwhile leaves it
            starts: int | None = None
            try:
                starts = await self._take(job)
            finally:
                if starts is None:
                    self._mine.discard(job.id)
            if starts is None:
                continue
            self._spawn(job, self._run_taken(job, starts, interrupted=True))
            taken += 1
        return taken

    def _launch(self, job: Job, *, interrupted: bool) -> None:
        self._spawn(job, self._run(job, interrupted=interrupted))

    def _spawn(self, job: Job, work: Awaitable[None]) -> None:
        self._mine.add(job.id)

        async def tracked() -> None:
            try:
                await work
            finally:
                self._mine.discard(job.id)

        task = self._application.create_task(tracked(), name=f"organiser job {job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until the jobs under way in this process have ended (tests, benchmarks)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _take(self, job: Job) -> int | None:
        """Hold the job's lease and count a start: the starts; None if it runs elsewhere or ended."""
        lease = f"job:{job.id}"
        if not await self._store.take_lease(lease):
            return None  # another instance runs it
        starts: int | None = None
        try:
            starts = await self._store.start_job(job.id, now=self._now())
        finally:
            if starts is None:  # ended meanwhile, by another instance (or the start failed)
                await self._store.end_lease(lease)
        return starts

    async def _run(self, job: Job, *, interrupted: bool) -> None:
        starts = await self._take(job)
        if starts is not None:
            await self._run_taken(job, starts, interrupted=interrupted)

    async def _run_taken(self, job: Job, starts: int, *, interrupted: bool) -> None:
        try:
            await self._run_held(job, starts, interrupted=interrupted)
        finally:
            await self._store.end_lease(f"job:{job.id}")

    async def _run_held(self, job: Job, starts: int, *, interrupted: bool) -> None:
        store = self._store
        chat = Chat(self._application.bot, int(job.chat_id))
        runner = self._runners.get(job.kind)
        try:
            if runner is None or starts > MAX_STARTS:
                log.error(
                    "gave up organiser job %d (%s) after %d start(s)", job.id, job.kind, starts - 1
                )
                await store.finish_job(job.id, failed=True, now=self._now())
                await chat.send(tg("org_job_given_up", job.language))
                return
            if interrupted:
                log.info("taking up organiser job %d (%s), interrupted", job.id, job.kind)
                await chat.send(tg(f"org_job_resumed_{job.kind}", job.language))
            await runner(self._application, job, chat)
            await store.finish_job(job.id, now=self._now())
        except Forbidden:
            log.info("organiser job %d: the organiser blocked the bot; dropped", job.id)
            await store.finish_job(job.id, failed=True, now=self._now())
        except Exception:
            log.exception("organiser job %d (%s) failed", job.id, job.kind)
            await store.finish_job(job.id, failed=True, now=self._now())
            await _tell(chat, tg("org_job_failed", job.language))


async def _tell(chat: Chat, text: str) -> None:
    try:
        await chat.send(text)
    except TelegramError as error:
        log.warning("could not tell the organiser either: %s", error)


AnyApplication = Application[Any, Any, Any, Any, Any, Any]

_OF: weakref.WeakKeyDictionary[AnyApplication, OrganiserJobs] = weakref.WeakKeyDictionary()
"""Each running application's organiser jobs (kept out of `Services`: no import cycle)."""


def organiser_jobs(application: AnyApplication) -> OrganiserJobs:
    """The application's organiser jobs, set up by `schedule_jobs` as it starts."""
    jobs = _OF.get(application)
    if jobs is None:
        raise RuntimeError("organiser jobs are asked for before start-up finished")
    return jobs


def database_of(application: BotApplication) -> Path | str:
    """The database a job reads in its own process (a path or a PostgreSQL URL)."""
    database = application.bot_data.database
    if database is None:
        raise RuntimeError("an organiser job runs before start-up finished")
    return database


def schedule_jobs(application: BotApplication, runners: Mapping[str, Runner]) -> OrganiserJobs:
    """Set up the organiser jobs of `application`: those left pending are taken up at start."""
    jobs = OrganiserJobs(application, runners)
    _OF[application] = jobs
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the bot needs python-telegram-bot's job queue: install surveybot again")
    # Not `first=0`: a job due before the scheduler starts may be missed; a moment later is not.
    queue.run_repeating(_take_up_round, interval=SWEEP_EVERY, first=0.5, name="organiser jobs")
    return jobs


async def _take_up_round(context: BotContext) -> None:
    jobs = organiser_jobs(context.application)
    taken = await jobs.take_up()
    if taken:
        log.info("took up %d unfinished organiser job(s)", taken)
    jobs.rounds += 1
