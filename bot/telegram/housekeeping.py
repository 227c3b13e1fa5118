"""Work the bot does on its own: one polite reminder, closing stale responses, the daily purge.

Everything is read from the database each time, so a restart neither loses a
reminder that is due nor sends one twice (a response is marked once reminded).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, TimedOut

from bot.telegram.callback_data import Action, ButtonData
from bot.telegram.context import BotApplication
from bot.telegram.keyboards import button
from bot.texts import ui
from flows import ResponseState, prompt

log = logging.getLogger(__name__)


async def send_due_reminders(application: BotApplication, now: dt.datetime) -> int:
    """Remind, once, each respondent idle for longer than the policy allows. Returns how many."""
    services = application.bot_data
    policy = services.policy
    flow, store = services.ready()
    if policy.reminder_after is None or policy.quiet(now):
        return 0
    sent = 0
    for due in await store.due_reminders(idle_since=now - policy.reminder_after, now=now):
        response = await store.get_response(due.response_id)
        if response is None or response.flow_id != flow.id:
            continue
        lang = response.language if response.language in flow.languages else flow.language
        state = ResponseState.model_validate_json(response.state_json)
        shown = prompt(flow, state, lang)
        keyboard = InlineKeyboardMarkup(
            [[button(ui("tg_resume", lang), ButtonData(Action.RESUME))]]
        )
        text = ui(
            "tg_reminder",
            lang,
            title=flow.text(flow.title, lang),
            answered=shown.answered if shown else 0,
            total=shown.total if shown else 0,
        )
        try:
            await application.bot.send_message(int(due.external_id), text, reply_markup=keyboard)
        except Forbidden:
            respondent = await store.get_respondent_by_id(response.respondent_id)
            if respondent is not None:
                await store.set_blocked(respondent.id, blocked=True, now=now)
            await store.mark_reminded(due.response_id, now=now)
            continue
        except (NetworkError, TimedOut) as error:
            log.warning("a reminder could not be sent now (%s); it stays due", error)
            continue
        # Marked after sending: a crash in between sends it again rather than never.
        await store.mark_reminded(due.response_id, now=now)
        sent += 1
    if sent:
        log.info("sent %d reminder(s)", sent)
    return sent


async def daily_upkeep(application: BotApplication, now: dt.datetime) -> None:
    """Close responses untouched for too long; delete those past the retention period."""
    services = application.bot_data
    policy = services.policy
    _, store = services.ready()
    if policy.abandon_after is not None:
        closed = await store.abandon_stale(idle_since=now - policy.abandon_after, now=now)
        if closed:
            log.info(
                "closed %d response(s) untouched for %s as abandoned", closed, policy.abandon_after
            )
    if policy.retention is not None:
        report = await store.purge_older_than(before=now - policy.retention, now=now)
        log.info("retention: %s", report)
    # Update ids are only needed while Telegram may still redeliver them (a day at most).
    await store.prune_handled_updates(before=now - dt.timedelta(days=7))


# How long stopping the bot waits for a round in progress (a reminder sent but not yet
# marked would be sent again after the restart); a round stuck on the network is cut.
STOP_GRACE_SECONDS = 10.0


async def housekeeping_loop(application: BotApplication, stop: asyncio.Event) -> None:
    """Reminders every minute or so, upkeep once a day, until `stop` is set."""
    services = application.bot_data
    last_upkeep: dt.date | None = None
    while not stop.is_set():
        now = services.clock()
        try:
            if last_upkeep != now.date():
                await daily_upkeep(application, now)
                last_upkeep = now.date()
            await send_due_reminders(application, now)
        except Exception:  # one bad round must not stop the next ones
            log.exception("housekeeping failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), services.policy.every_seconds)


@contextlib.asynccontextmanager
async def housekeeping(application: BotApplication) -> AsyncIterator[asyncio.Task[None]]:
    """The housekeeping loop, running for as long as the block does.

    On the way out the round in progress is allowed to finish rather than being
    cancelled between sending a reminder and recording it.
    """
    stop = asyncio.Event()
    task = asyncio.create_task(housekeeping_loop(application, stop), name="surveybot-housekeeping")
    try:
        yield task
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("housekeeping did not finish within %s s; stopped", STOP_GRACE_SECONDS)
