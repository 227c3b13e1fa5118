"""Crash safety with real processes: `surveybot run` against a Bot API on 127.0.0.1, killed with
SIGKILL at chosen points, then restarted. Every answer sent is stored exactly once and the
respondent carries on at the right question.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flows import Kind, bundled_path, load_flow
from tests.support.bot_api_server import BotAPIServer, BotAPIState
from tests.support.bot_process import BotProcess as Bot
from tests.support.deadly_update import DEADLY
from tests.support.sqlite import open_sqlite

FLOW = load_flow(bundled_path("questionnaire.yaml"))
USER = 4242
OTHER = 4343
TOKEN = "1234:crash-test-token"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


def typed_answers(count: int) -> list[tuple[str, str]]:
    """(step id, what a person types) for the first `count` steps, all typeable."""
    answers = []
    for step in FLOW.steps()[:count]:
        if step.type in (Kind.SINGLE_CHOICE, Kind.YES_NO):
            label = step.choices[1].label if step.type == Kind.SINGLE_CHOICE else {"fr": "Oui"}
            answers.append((step.id, FLOW.text(label, "fr")))
        elif step.type == Kind.NUMBER:
            answers.append((step.id, str(int(step.min or 0) + 10)))
        elif step.type in (Kind.TEXT, Kind.LONG_TEXT):
            answers.append((step.id, f"Réponse à {step.id}"))
        elif step.type == Kind.CODE:
            answers.append((step.id, "Loiret"))  # a département, by name
        else:
            raise AssertionError(f"step {step.id} cannot be typed in this test")
    return answers


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


def questions_shown(state: BotAPIState, number: int) -> bool:
    return any(f"Question {number}/" in m["text"] for m in state.chat(USER))


def stored_answers(db: Path) -> dict[str, object]:
    with open_sqlite(db) as connection:
        return {
            question: json.loads(value)
            for question, value in connection.execute("SELECT question_id, value_json FROM answers")
        }


def expected(answers: list[tuple[str, str]]) -> dict[str, object]:
    """What the database must hold after those typed answers."""
    values: dict[str, object] = {}
    for step_id, typed in answers:
        step = FLOW.step(step_id)
        if step.type == Kind.SINGLE_CHOICE:
            values[step_id] = step.choices[1].code
        elif step.type == Kind.YES_NO:
            values[step_id] = "yes"
        elif step.type == Kind.CODE:
            values[step_id] = "45"
        elif step.type == Kind.NUMBER:
            values[step_id] = int(typed)
        else:
            values[step_id] = typed
    return values


def begin(bot: Bot, state: BotAPIState) -> None:
    bot.start()
    state.user_text(USER, "/start pithiviers")
    state.wait_for(lambda: bool(state.chat(USER)) and "reply_markup" in state.chat(USER)[-1])
    notice = state.chat(USER)[-1]
    agree = notice["reply_markup"]["inline_keyboard"][0][0]
    assert "J’accepte" in agree["text"]
    state.user_tap(USER, notice["message_id"], agree["callback_data"])
    state.wait_for(lambda: questions_shown(state, 1))


def test_updates_fetched_but_not_handled_survive_a_kill(bot: Bot, server: BotAPIServer) -> None:
    state = server.state
    answers = typed_answers(3)
    begin(bot, state)
    # Stop the bot inside the first answer, after its commit: the next two are fetched, not handled.
    state.hold("editMessageText")
    with state.lock:
        for _, typed in answers:
            state.user_text(USER, typed)
    state.wait_for(lambda: state.waiting_in_hold.get("editMessageText", 0) >= 1)
    batch = next(batch for batch in state.fetches if len(batch) == 3)  # fetched together
    # The batch is written down, then confirmed without waiting for the first answer, held:
    # Telegram will not send the two unhandled ones again; the bot's inbox has them.
    state.wait_for(lambda: state.confirmed > max(batch))
    bot.kill()
    state.release()

    assert stored_answers(bot.db) == expected(answers[:1])
    with open_sqlite(bot.db) as conn:
        waiting = conn.execute("SELECT update_id FROM inbox WHERE done_at IS NULL").fetchall()
    assert {update_id for (update_id,) in waiting} >= set(batch[1:])

    bot.start()
    state.wait_for(lambda: questions_shown(state, 4))
    assert stored_answers(bot.db) == expected(answers), "each answer exactly once"
    assert not any("⚠" in m["text"] for m in state.chat(USER)), "no answer applied twice"
    bot.stop()


def test_a_kill_after_the_commit_but_before_the_reply(bot: Bot, server: BotAPIServer) -> None:
    state = server.state
    answers = typed_answers(2)
    begin(bot, state)
    state.user_text(USER, answers[0][1])
    state.wait_for(lambda: questions_shown(state, 2))
    state.hold("sendMessage")
    state.user_text(USER, answers[1][1])
    state.wait_for(lambda: state.waiting_in_hold.get("sendMessage", 0) >= 1)
    bot.kill()
    state.release(drop=True)  # the reply never reached Telegram
    assert stored_answers(bot.db) == expected(answers), "committed before the reply"
    assert not questions_shown(state, 3)

    bot.start()
    # The redelivered update is recognised: not applied again, and the next question is shown.
    state.wait_for(lambda: questions_shown(state, 3))
    assert stored_answers(bot.db) == expected(answers)
    assert not any("⚠" in m["text"] for m in state.chat(USER))
    bot.stop()


@pytest.mark.parametrize("kill_after", [1, 2, 4])
def test_killed_between_answers_the_respondent_resumes(
    bot: Bot, server: BotAPIServer, kill_after: int
) -> None:
    state = server.state
    answers = typed_answers(6)
    begin(bot, state)
    for number, (_, typed) in enumerate(answers[:kill_after], start=2):
        state.user_text(USER, typed)
        state.wait_for(lambda n=number: questions_shown(state, n))
    bot.kill()
    # Sent while the bot is down: kept by Telegram (here, the server) and handled at start.
    state.user_text(USER, answers[kill_after][1])

    bot.start()
    state.wait_for(lambda: questions_shown(state, kill_after + 2))
    assert stored_answers(bot.db) == expected(answers[: kill_after + 1])
    state.user_text(USER, "/start")
    state.wait_for(lambda: "Reprendre" in json.dumps(state.chat(USER)[-1], ensure_ascii=False))
    errors = bot.stop()
    assert TOKEN not in errors, "the token never appears in the logs"


def test_an_update_that_kills_the_bot_at_every_start_is_set_aside(
    server: BotAPIServer, tmp_path: Path
) -> None:
    state = server.state
    bot = Bot(
        server, tmp_path / "survey.sqlite3", token=TOKEN, module="tests.support.deadly_update"
    )
    answers = typed_answers(2)
    try:
        begin(bot, state)
        state.user_text(USER, answers[0][1])
        state.wait_for(lambda: questions_shown(state, 2))
        assert bot.process is not None
        dying = bot.process
        with state.lock:  # one batch: the deadly message, then this person's and another's
            deadly = state.user_text(USER, DEADLY)
            state.user_text(USER, answers[1][1])
            state.user_text(OTHER, "/start pithiviers")
        assert dying.wait(timeout=20) == -signal.SIGKILL
        dying.communicate()

        def other_greeted() -> bool:
            return any("J’accepte" in str(m.get("reply_markup")) for m in state.chat(OTHER))

        # Settled once both are answered: the two people's replies go out in either order.
        deaths, log = restart_until_it_stays_up(
            bot, lambda: questions_shown(state, 3) and other_greeted()
        )
    finally:
        if bot.process is not None:
            bot.kill()

    assert deaths == 3, "applied again at three starts (once with the rest, twice alone)"
    assert stored_answers(bot.db) == expected(answers), "what came with it is applied once"
    texts = [message["text"] for message in state.chat(USER)]
    assert any("un problème est survenu" in text for text in texts[-2:]), "the person is told"
    assert "Question 3/" in texts[-1]
    assert other_greeted()
    assert f"set aside update {deadly}" in log
    assert DEADLY not in log, "logged by its id, not by what the person wrote"
    with open_sqlite(bot.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone() == (0,)


def restart_until_it_stays_up(bot: Bot, settled: Callable[[], bool]) -> tuple[int, str]:
    """Start the bot again until it is up and `settled`; how many starts died, its log."""
    for deaths in range(6):
        process = bot.launch()
        deadline = time.monotonic() + 30
        while process.poll() is None and not settled() and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            assert settled(), "the bot neither died nor carried on"
            return deaths, bot.stop()
        process.communicate()
        bot.process = None
    raise AssertionError("the bot died at every start")
