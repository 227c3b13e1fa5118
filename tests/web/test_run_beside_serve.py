"""`surveybot run` (Telegram, long polling) and `surveybot serve` (the web chat) on one SQLite file.

The set-up of a tour with no public address for Telegram's webhook: two
processes writing one file. Telegram and web respondents answer at the same
time; each ends with exactly their own answers on their own channel, neither
process logs an error or a retry, and both stop cleanly.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx
import pytest

from flows import Kind
from tests.bot.test_crash import FLOW, expected, typed_answers
from tests.support.bot_api_server import BotAPIServer, BotAPIState
from tests.support.bot_process import BotProcess
from tests.support.sqlite import open_sqlite
from tests.web.driver import Visitor
from tests.web.test_serve_command import free_port, start_serve, wait_until_serving

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

TELEGRAM_USERS = (5101, 5102, 5103, 5104)
WEB_VISITORS = 4
ANSWERS = typed_answers(8)  # the first section, all typeable
NEXT = "Parlons maintenant de l’innovation"  # what follows it: an information step


def on_telegram(state: BotAPIState) -> None:
    """Every Telegram user agrees, then answers by typing, all of them step by step."""

    def shown(user: int, number: int) -> bool:
        return any(f"Question {number}/" in m["text"] for m in state.chat(user))

    for user in TELEGRAM_USERS:
        state.user_text(user, "/start pithiviers")
    state.wait_for(
        lambda: all("reply_markup" in (state.chat(u) or [{}])[-1] for u in TELEGRAM_USERS)
    )
    for user in TELEGRAM_USERS:
        notice = state.chat(user)[-1]
        agree = notice["reply_markup"]["inline_keyboard"][0][0]
        state.user_tap(user, notice["message_id"], agree["callback_data"])
    for number, (_, typed) in enumerate(ANSWERS, start=1):
        state.wait_for(lambda n=number: all(shown(u, n) for u in TELEGRAM_USERS), timeout=30)
        for user in TELEGRAM_USERS:
            state.user_text(user, typed)
    state.wait_for(
        lambda: all(NEXT in state.chat(u)[-1]["text"] for u in TELEGRAM_USERS), timeout=30
    )


async def on_the_web(url: str, index: int) -> str:
    """One visitor agrees and gives the same answers, tapping the choices; their cookie id."""
    async with httpx.AsyncClient(base_url=url) as client:
        visitor = Visitor(client)
        await visitor.get("/chat?stage=pithiviers")
        page = await visitor.press("✅ J’accepte")
        for step_id, typed in ANSWERS:
            kind = FLOW.step(step_id).type
            tapped = kind in (Kind.SINGLE_CHOICE, Kind.YES_NO)
            page = await (visitor.press(typed) if tapped else visitor.type(typed))
        assert page.question is not None and page.question.step == "innovation_intro", index
        return str(visitor.cookies["surveybot_id"])


def answers_by_person(db: Path) -> dict[tuple[str, str], dict[str, object]]:
    with open_sqlite(db) as conn:
        rows = conn.execute(
            "SELECT p.channel, p.external_id, a.question_id, a.value_json FROM answers a "
            "JOIN responses r ON r.id = a.response_id JOIN respondents p ON p.id = r.respondent_id"
        ).fetchall()
    people: dict[tuple[str, str], dict[str, object]] = {}
    for channel, person, question, value in rows:
        people.setdefault((channel, person), {})[question] = json.loads(value)
    return people


async def test_telegram_and_web_respondents_answer_at_once_on_one_file(tmp_path: Path) -> None:
    db = tmp_path / "tour.sqlite3"
    port = free_port()
    with BotAPIServer() as server:
        bot = BotProcess(server, db, token="1234:beside")
        bot.start()
        web = start_serve(tmp_path, port, db=db)
        try:
            url = wait_until_serving(web, port)
            telegram = asyncio.to_thread(on_telegram, server.state)
            *visitors, _ = await asyncio.gather(
                *(on_the_web(url, i) for i in range(WEB_VISITORS)), telegram
            )
        finally:
            bot_log = bot.stop() if bot.process is not None else ""
            web.terminate()
            _, web_log = web.communicate(timeout=20)
    assert web.returncode == 0, web_log
    for log in (bot_log, web_log):
        assert "Traceback" not in log and "ERROR" not in log and "WARNING" not in log, log

    want = expected(ANSWERS)
    people = answers_by_person(db)
    assert {("telegram", str(user)): want for user in TELEGRAM_USERS} | {
        ("web", visitor): want for visitor in visitors
    } == people
