"""A real `surveybot run` on 2 million stored answers: an `/export` never holds a respondent back,
and a SIGKILL during it leaves the export to be finished after the restart, the organiser told.

The Bot API is the local server of tests/support/bot_api_server.py; the database is
built as the export benchmark builds its own, then doubled in SQL (fast enough for a test).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_export import build_database, write_flow
from tests.support.bot_api_server import BotAPIServer, BotAPIState
from tests.support.sqlite import open_sqlite

ORGANISER = 900_001
TOKEN = "1234:jobs-test-token"
ANSWERS = 1_000_000
"""Enough for an export to run a few seconds: long enough to answer and to be killed in."""
QUESTIONS_PER_RESPONSE = 40  # the benchmark's flow
ACK = "Export en cours\u00a0: vous recevrez le fichier ici."
RESUMED = "L’export interrompu par un redémarrage reprend\u00a0: vous recevrez le fichier ici."
SLACK_S = 1.0
"""How much slower than normal a reply may be while the export runs ("about one second")."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


def big_database(path: Path, flow: Path) -> int:
    """At least ANSWERS answers: half built by the benchmark's builder, then copied in SQL."""
    responses = ANSWERS // QUESTIONS_PER_RESPONSE // 2
    build_database(path, flow, responses)
    with open_sqlite(path) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        offset = conn.execute("SELECT max(id) FROM responses").fetchone()[0]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(responses)")]
        picked = ", ".join(
            {"id": f"id + {offset}", "key": "key || '-2'"}.get(name, name) for name in columns
        )
        conn.execute(f"INSERT INTO responses ({', '.join(columns)}) SELECT {picked} FROM responses")
        names = [row[1] for row in conn.execute("PRAGMA table_info(answers)")]
        copied = ", ".join(f"response_id + {offset}" if n == "response_id" else n for n in names)
        conn.execute(f"INSERT INTO answers ({', '.join(names)}) SELECT {copied} FROM answers")
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])


class Bot:
    """One `surveybot run` process at a time on the same database."""

    def __init__(self, server: BotAPIServer, db: Path, flow: Path) -> None:
        self.server, self.db, self.flow = server, db, flow
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "SURVEYBOT_TOKEN": TOKEN,
            "SURVEYBOT_API_URL": self.server.url,
            "SURVEYBOT_DB": str(self.db),
            "SURVEYBOT_FLOW": str(self.flow),
            "SURVEYBOT_ADMINS": str(ORGANISER),
        }
        polls = len(self.server.state.fetches)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its export worker is killed with it (the group)
        )
        self.server.state.wait_for(lambda: len(self.server.state.fetches) > polls, timeout=60)

    def kill(self) -> None:
        """SIGKILL to the bot and its export worker, as a power cut would stop both."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.communicate(timeout=10)
        self.process = None

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _, errors = self.process.communicate(timeout=60)
        code, self.process = self.process.returncode, None
        assert code == 0, errors
        return errors


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


def bot_messages(state: BotAPIState, chat_id: int) -> int:
    return len(state.chat(chat_id))


def timed(state: BotAPIState, chat_id: int, act: Callable[[], Any]) -> float:
    """Seconds from `act` (a user's update) to the bot's reply in the chat."""
    before = bot_messages(state, chat_id)
    began = time.monotonic()
    act()
    state.wait_for(lambda: asks(state, chat_id, after=before), timeout=30)
    return time.monotonic() - began


def asks(state: BotAPIState, chat_id: int, *, after: int) -> bool:
    """Whether the bot has sent a new message with buttons (the next question)."""
    chat = state.chat(chat_id)
    return len(chat) > after and "reply_markup" in chat[-1]


def answer_five(state: BotAPIState, user: int) -> list[float]:
    """/start, then the first choice of five questions: the seconds each reply took."""
    waits = [timed(state, user, lambda: state.user_text(user, "/start"))]
    for _ in range(5):
        message = state.chat(user)[-1]
        data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        waits.append(timed(state, user, tap(state, user, message["message_id"], data)))
    return waits


def tap(state: BotAPIState, user: int, message_id: int, data: str) -> Callable[[], Any]:
    return lambda: state.user_tap(user, message_id, data)


def documents(state: BotAPIState) -> list[tuple[str, bytes]]:
    return [m["attachment"] for m in state.chat(ORGANISER) if "attachment" in m]


def exports_started(state: BotAPIState) -> int:
    """How many exports have begun (each tells the chat "sending a document")."""
    with state.lock:
        return sum(1 for method, _ in state.calls if method == "sendChatAction")


def texts(state: BotAPIState) -> list[str]:
    return [m["text"] for m in state.chat(ORGANISER)]


@pytest.mark.timing
def test_an_export_of_a_million_answers_holds_no_one_and_survives_a_kill(
    server: BotAPIServer, tmp_path: Path
) -> None:
    flow, db = tmp_path / "flow.yaml", tmp_path / "survey.sqlite3"
    write_flow(flow)
    assert big_database(db, flow) >= ANSWERS
    state = server.state
    bot = Bot(server, db, flow)
    bot.start()
    try:
        normal = max(answer_five(state, 1001))

        state.user_text(ORGANISER, "/export")
        state.wait_for(lambda: ACK in texts(state), timeout=10)
        during = answer_five(state, 1002)
        assert documents(state) == [], "the export was still running: the test proves nothing"
        assert max(during) < normal + SLACK_S, (normal, during)
        state.wait_for(lambda: len(documents(state)) == 2, timeout=120)  # the CSV, the codebook
        name, content = documents(state)[0]
        assert name.startswith("reponses_") and len(content) > 1_000_000

        # Killed during a second export: the job is recorded, not ended.
        state.user_text(ORGANISER, "/export")
        state.wait_for(lambda: texts(state).count(ACK) == 2, timeout=10)
        state.wait_for(lambda: exports_started(state) == 2, timeout=10)
        bot.kill()
        assert len(documents(state)) == 2, "killed before the second export was sent"
        bot.start()
        state.wait_for(lambda: len(documents(state)) == 4, timeout=120)
        assert RESUMED in texts(state), texts(state)
        bot.stop()
    finally:
        if bot.process is not None:
            bot.kill()
    with open_sqlite(db) as conn:
        assert conn.execute("SELECT status, attempts FROM jobs ORDER BY id").fetchall() == [
            ("done", 1),
            ("done", 2),
        ]
