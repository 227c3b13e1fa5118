"""Scheduled work on python-telegram-bot's `JobQueue`: reminders every minute or so, upkeep daily.

What is due, and what is done about a blocked respondent, is decided by
`conversation.Housekeeping`; this module sends and schedules. Stopping the
application waits for a round in progress, so a reminder is never left sent
but not recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape
from typing import cast

from telegram.error import BadRequest, Forbidden, NetworkError

from bot.telegram.context import BotApplication, BotContext
from bot.telegram.keyboards import menu_keyboard
from storage import Channel

log = logging.getLogger(__name__)

UPKEEP_EVERY = dt.timedelta(days=1)


def schedule(application: BotApplication) -> None:
    """Reminders every `policy.every_seconds`, upkeep once a day; both once at start."""
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("the bot needs python-telegram-bot's job queue: install surveybot again")
    every = application.bot_data.policy.every_seconds
    jobs.run_repeating(_upkeep_round, interval=UPKEEP_EVERY, first=0, name="upkeep")
    jobs.run_repeating(_reminder_round, interval=every, first=1, name="reminders")


async def _reminder_round(context: BotContext) -> None:
    await send_due_reminders(cast(BotApplication, context.application), context.bot_data.clock())


async def _upkeep_round(context: BotContext) -> None:
    await daily_upkeep(cast(BotApplication, context.application), context.bot_data.clock())


async def send_due_reminders(application: BotApplication, now: dt.datetime) -> int:
    """Remind, once, each respondent idle for longer than the policy allows. Returns how many."""
    housekeeping = application.bot_data.housekeeping
    sent = 0
    for reminder in await housekeeping.due_reminders(now, channel=Channel.TELEGRAM):
        menu = reminder.menu
        try:
            await application.bot.send_message(
                int(reminder.person.external_id),
                escape(menu.text),
                reply_markup=menu_keyboard(menu),
            )
        except Forbidden:
            await housekeeping.unreachable(reminder, now)
            continue
        except BadRequest as error:
            # Refused for good (the chat no longer exists...): do not try it every minute.
            log.warning("a reminder was refused by Telegram (%s); not sending it again", error)
            await housekeeping.reminded(reminder, now)
            continue
        except NetworkError as error:
            log.warning("a reminder could not be sent now (%s); it stays due", error)
            continue
        await housekeeping.reminded(reminder, now)
        sent += 1
    if sent:
        log.info("sent %d reminder(s)", sent)
    return sent


async def daily_upkeep(application: BotApplication, now: dt.datetime) -> None:
    """Close responses untouched for too long; delete those past the retention period."""
    await application.bot_data.housekeeping.upkeep(now)
