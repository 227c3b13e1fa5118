"""Scheduled work on python-telegram-bot's `JobQueue`: reminders every minute or so, upkeep daily.

Organiser jobs (an export) are taken up here too: those a stop interrupted at
start-up, those of a dead instance every minute (bot/telegram/background.py).

What is due, and what is done about a blocked respondent, is decided by
`conversation.Housekeeping`; this module sends and schedules. Each reminder is
claimed in the database before it is sent and given back only when it surely
did not go, so a crash at any point never sends one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from html import escape
from typing import Final, cast

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.telegram.background import Runner, schedule_jobs
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.keyboards import menu_keyboard
from bot.telegram.organiser import run_stats
from bot.telegram.organiser_export import run_export
from bot.telegram.sending import Chat, surely_not_sent
from conversation import REMINDERS, Menu
from storage import Channel

log = logging.getLogger(__name__)

RUNNERS: Final[Mapping[str, Runner]] = {"export": run_export, "stats": run_stats}
"""The organiser jobs, by kind (bot/telegram/background.py runs them)."""

UPKEEP_EVERY = dt.timedelta(days=1)
JOBS_KEPT = dt.timedelta(days=7)
"""How long an ended organiser job's row is kept (for whoever looks into a failure)."""


def schedule(application: BotApplication) -> None:
    """Reminders every `policy.every_seconds`, upkeep once a day; both once at start."""
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("the bot needs python-telegram-bot's job queue: install surveybot again")
    every = application.bot_data.policy.every_seconds
    # A second after start, not at 0: APScheduler never runs a job due "now" (python-telegram-
    # bot's documentation says so), and the upkeep would then wait a whole day.
    jobs.run_repeating(_upkeep_round, interval=UPKEEP_EVERY, first=1, name="upkeep")
    jobs.run_repeating(_reminder_round, interval=every, first=1, name="reminders")
    schedule_jobs(application, RUNNERS)


async def _reminder_round(context: BotContext) -> None:
    await send_due_reminders(cast(BotApplication, context.application), context.bot_data.clock())


async def _upkeep_round(context: BotContext) -> None:
    await daily_upkeep(cast(BotApplication, context.application), context.bot_data.clock())


async def send_due_reminders(application: BotApplication, now: dt.datetime) -> int:
    """Remind, once, each respondent idle for longer than the policy allows. Returns how many.

    Mark, then send: at most once, with a retry when the message surely did not
    go. A crash between the two loses that reminder instead of sending it twice
    (a reminder is a courtesy; a second one is what annoys). So does a timeout
    after the request went out (Telegram may have sent it): the mark stays. Any
    other refusal of Telegram's gives the mark back, to be tried next round (flood
    control ends this round); an error that is not Telegram's is raised.
    """
    housekeeping = application.bot_data.housekeeping
    async with housekeeping.exclusively(REMINDERS) as mine:
        if not mine:
            log.debug("another instance is sending the reminders; skipping this round")
            return 0
        return await _send_due(application, now)


async def _send_due(application: BotApplication, now: dt.datetime) -> int:
    housekeeping = application.bot_data.housekeeping
    sent = 0
    for reminder in await housekeeping.due_reminders(now, channel=Channel.TELEGRAM):
        # A round sends one after the other, at Telegram's pace: one begun at 19:59 stops
        # at 20:00, and the rest wait for the morning as if the round had begun then.
        if housekeeping.policy.quiet(application.bot_data.clock()):
            log.info("night fell during the round; the other reminders wait for the morning")
            break
        if not await housekeeping.claim(reminder, now):
            continue  # claimed meanwhile by another round
        try:
            await _send(application, reminder.person.external_id, reminder.menu)
        except Forbidden:
            await housekeeping.unreachable(reminder, now)
            continue
        except BadRequest as error:
            # Refused for good (the chat no longer exists...): do not try it every minute.
            log.warning("a reminder was refused by Telegram (%s); not sending it again", error)
            continue
        except RetryAfter as error:
            await housekeeping.not_sent(reminder)
            log.warning("Telegram asks to slow down (%s); the next round goes on", error)
            break
        except TelegramError as error:
            if isinstance(error, NetworkError) and not surely_not_sent(error):
                # No answer read, or a 504: Telegram may have sent it.
                log.warning("no answer from Telegram to a reminder; not sending it again")
                continue
            # Known not to have gone (no connection, a 500/502/503): due again next round.
            await housekeeping.not_sent(reminder)
            log.warning("a reminder could not be sent now (%s); it stays due", error)
            continue
        sent += 1
    if sent:
        log.info("sent %d reminder(s)", sent)
    return sent


async def _send(application: BotApplication, chat_id: str, menu: Menu) -> None:
    # One try: a reminder that did not go is due again next round (and a round held up by
    # pauses for each of its reminders while Telegram is down would hold up the next).
    chat = Chat(application.bot, int(chat_id), pauses=())
    sent = await chat.send(escape(menu.text), menu_keyboard(menu))
    # Its "go on" button goes, as any menu's, once the person moves on without it (the menu
    # it supersedes loses its own quietly: the reminder has gone, whatever happens to that).
    await application.bot_data.chats.open(chat, sent)


async def daily_upkeep(application: BotApplication, now: dt.datetime) -> None:
    """The daily upkeep (`Housekeeping.upkeep`: stale responses closed, old ones deleted,
    old update ids forgotten), then the finished jobs of organisers' exports pruned."""
    await application.bot_data.housekeeping.upkeep(now)
    await application.bot_data.conversation.store.prune_jobs(before=now - JOBS_KEPT)
