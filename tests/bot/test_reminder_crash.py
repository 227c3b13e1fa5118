"""A reminder is never sent twice, even when a real `surveybot run` is killed (SIGKILL) while
sending it, after Telegram delivered it or before.

Two respondents, Ana then Bob, go quiet; the bot is restarted with a reminder delay of a
fraction of a second, in a time zone where it is the afternoon (no reminder at night). Its
first round reminds Ana first (oldest first): her `sendMessage` is held by the Bot API
server and the bot killed. Restarted, the bot's first round reminds Bob: once his reminder
is there, that round has passed Ana.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import BotAPIServer, BotAPIState
from tests.support.bot_process import BotProcess as Bot

ANA, BOB = 4242, 4343
TOKEN = "1234:reminder-crash-token"
REMINDER = "Bonjour\u00a0! Votre questionnaire"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


def afternoon_zone() -> str:
    """A fixed-offset time zone where it is about 14:00 now, far from the quiet hours."""
    offset = 14 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    # The Etc zones count the other way round: Etc/GMT-2 is two hours ahead of UTC.
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def reminding(*, hours: str) -> dict[str, str]:
    """The settings of a run: reminders after `hours`, in the early afternoon."""
    return {"SURVEYBOT_REMINDER_HOURS": hours, "SURVEYBOT_TIMEZONE": afternoon_zone()}


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


@pytest.fixture
def bot(server: BotAPIServer, tmp_path: Path) -> Iterator[Bot]:
    running = Bot(server, tmp_path / "survey.sqlite3", token=TOKEN)
    yield running
    if running.process is not None:
        running.kill()


def reminders(state: BotAPIState, user: int) -> int:
    return sum(1 for m in state.chat(user) if m["text"].startswith(REMINDER))


def reminders_sent(state: BotAPIState) -> list[dict[str, object]]:
    """The reminders the bot tried to send, delivered or not."""
    return [p for m, p in state.calls if m == "sendMessage" and p["text"].startswith(REMINDER)]


def answer_one_question(state: BotAPIState, user: int) -> int:
    """Agree to the notice, answer the first question, and go quiet on the second.

    Returns the id of the last update.
    """
    state.user_text(user, "/start pithiviers")
    state.wait_for(lambda: bool(state.chat(user)) and "reply_markup" in state.chat(user)[-1])
    notice = state.chat(user)[-1]
    agree = notice["reply_markup"]["inline_keyboard"][0][0]
    state.user_tap(user, notice["message_id"], agree["callback_data"])
    state.wait_for(lambda: any("Question 1/" in m["text"] for m in state.chat(user)))
    last = state.user_text(user, "Acme")
    state.wait_for(lambda: any("Question 2/" in m["text"] for m in state.chat(user)))
    return last


def killed_while_reminding_ana(bot: Bot, state: BotAPIState) -> None:
    bot.start(reminding(hours="24"))
    answer_one_question(state, ANA)
    last = answer_one_question(state, BOB)
    # Confirmed to Telegram, so not delivered again at the next start.
    state.wait_for(lambda: state.confirmed > last)
    bot.stop()
    # Due at once now: the first round, a second after start, reminds Ana first.
    state.hold("sendMessage")
    bot.start(reminding(hours="0.00001"))
    state.wait_for(lambda: len(reminders_sent(state)) == 1)
    assert state.waiting_in_hold["sendMessage"] == 1, "the reminder is the one held"
    assert [int(params["chat_id"]) for params in reminders_sent(state)] == [ANA]
    bot.kill()


def test_killed_after_telegram_delivered_the_reminder_it_is_not_sent_again(
    bot: Bot, server: BotAPIServer
) -> None:
    state = server.state
    killed_while_reminding_ana(bot, state)
    state.release()  # Telegram got it and delivered it; the bot died before the answer
    state.wait_for(lambda: reminders(state, ANA) == 1)

    bot.start(reminding(hours="0.00001"))
    state.wait_for(lambda: reminders(state, BOB) == 1)
    bot.stop()

    assert reminders(state, ANA) == 1, "Ana's reminder was not sent again"
    assert reminders(state, BOB) == 1


def test_killed_before_the_reminder_left_it_is_lost_rather_than_sent_twice(
    bot: Bot, server: BotAPIServer
) -> None:
    state = server.state
    killed_while_reminding_ana(bot, state)
    state.release(drop=True)  # the request never reached Telegram

    bot.start(reminding(hours="0.00001"))
    state.wait_for(lambda: reminders(state, BOB) == 1)
    bot.stop()

    # At most once: whether it left is unknown after a crash, so it is not tried again.
    assert reminders(state, ANA) == 0
    assert reminders(state, BOB) == 1
