"""One reminder, never two: claimed in the database before it is sent, given back only when
Telegram surely did not send it.

The fake Bot API fails the reminder's `sendMessage` the ways the network and Telegram do;
time is the application's clock, and the rounds are called as the bot's loop calls them.
`tests/bot/test_reminder_crash.py` kills a real `surveybot run` around the send.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.telegram import BotApplication, build_application
from bot.telegram.jobs import send_due_reminders
from conversation import Policy
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.support.fake_bot_api import TOKEN, ChatMessage, FakeBotAPI, Person

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2019, 6, 4, 13, 0, tzinfo=PARIS)  # a Tuesday, 13:00 in Paris
DUE = START + dt.timedelta(days=1, hours=1)  # the next day at 14:00: the reminder is due
REMINDER = "Bonjour\u00a0! Votre questionnaire"
AGREE = "✅ J’accepte"

PersonFactory = Callable[..., Person]


class ProcessDied(BaseException):
    """The process stops dead in the middle of the send (python-telegram-bot catches
    `Exception`; this goes through it as a SIGKILL would)."""


Failure = BaseException | tuple[int, dict[str, Any]] | Callable[[], BaseException]


@dataclass
class FlakyAPI(FakeBotAPI):
    """The fake Bot API; each reminder sent fails as the next of `failures` says, if any.

    A failure is an exception raised before anything is sent, a callable giving an
    exception raised after the message was delivered (no answer came back), or
    (status, body) as Telegram's answer. `marked_when_sent` says, for each attempt,
    whether the response was already marked as reminded in the database.
    """

    db_path: Path | None = None
    failures: list[Failure] = field(default_factory=list)
    marked_when_sent: list[bool] = field(default_factory=list)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        text = str(request_data.parameters.get("text", "")) if request_data else ""
        if not (url.endswith("/sendMessage") and text.startswith(REMINDER)):
            return await super().do_request(url, method, request_data, **kwargs)
        self.marked_when_sent.append(self._marked())
        failure = self.failures.pop(0) if self.failures else None
        if isinstance(failure, BaseException):
            raise failure
        if isinstance(failure, tuple):
            status, body = failure
            return status, json.dumps({"ok": False, "error_code": status, **body}).encode()
        delivered = await super().do_request(url, method, request_data, **kwargs)
        if failure is not None:
            raise failure()
        return delivered

    def _marked(self) -> bool:
        assert self.db_path is not None
        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            rows = conn.execute("SELECT reminded_at IS NOT NULL FROM responses").fetchall()
        return all(marked for (marked,) in rows)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def api(db_path: Path) -> FlakyAPI:
    return FlakyAPI(db_path=db_path)


@pytest.fixture
def make_app(flow: Flow, stages: list[StageDef], clock: Clock) -> Callable[..., BotApplication]:
    def make(api: FakeBotAPI) -> BotApplication:
        # The loop's own round runs once at start (nothing is due then), not again in a test.
        app = build_application(
            token=TOKEN,
            flow=flow,
            stages=stages,
            request=api,
            rate_limit=False,
            policy=Policy(every_seconds=3600),
        )
        app.bot_data.clock = clock
        return app

    return make


async def started(ana: Person) -> None:
    """Agree and answer two questions, then go quiet on the third."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")
    assert ana.last_text.startswith("Question 3/")


def reminders_to(ana: Person) -> list[ChatMessage]:
    return [m for m in ana.chat if m.text.startswith(REMINDER)]


def reminded_at(db_path: Path) -> list[str | None]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return [at for (at,) in conn.execute("SELECT reminded_at FROM responses ORDER BY id")]


async def later_rounds_send_nothing(app: BotApplication, ana: Person, count: int) -> None:
    for days in (1, 2, 5):
        assert await send_due_reminders(app, DUE + dt.timedelta(days=days)) == 0
    assert len(reminders_to(ana)) == count


async def test_the_reminder_is_marked_before_it_is_sent(
    person: PersonFactory, app: BotApplication, api: FlakyAPI, db_path: Path
) -> None:
    ana = person()
    await started(ana)

    assert await send_due_reminders(app, DUE) == 1

    assert api.marked_when_sent == [True], "marked in the database before the send"
    assert len(reminders_to(ana)) == 1
    await later_rounds_send_nothing(app, ana, 1)


async def test_stopping_dead_between_mark_and_send_never_sends_it_twice(
    person: PersonFactory, app: BotApplication, api: FlakyAPI, db_path: Path
) -> None:
    ana = person()
    await started(ana)
    api.failures.append(ProcessDied())

    with pytest.raises(ProcessDied):
        await send_due_reminders(app, DUE)

    # Lost, not repeated: the mark stays, and every round reads it from the database.
    assert reminders_to(ana) == []
    assert reminded_at(db_path) != [None]
    await later_rounds_send_nothing(app, ana, 0)
    assert api.marked_when_sent == [True], "never tried again"


@pytest.mark.parametrize(
    "lost",
    [
        pytest.param(lambda: _timeout(httpx.ReadTimeout("no answer")), id="read timeout"),
        # The connection lost while reading the answer: a plain NetworkError, not a timeout.
        pytest.param(lambda: _lost_line(httpx.ReadError("connection reset")), id="reset"),
        pytest.param(
            lambda: _lost_line(httpx.RemoteProtocolError("Server disconnected")), id="dropped"
        ),
    ],
)
async def test_delivered_but_no_answer_from_telegram_is_not_sent_again(
    person: PersonFactory,
    app: BotApplication,
    api: FlakyAPI,
    db_path: Path,
    lost: Callable[[], BaseException],
) -> None:
    ana = person()
    await started(ana)
    # The request went out and Telegram delivered it; its answer never came back.
    api.failures.append(lost)

    assert await send_due_reminders(app, DUE) == 0

    assert len(reminders_to(ana)) == 1
    assert reminded_at(db_path) != [None]
    await later_rounds_send_nothing(app, ana, 1)


async def test_a_gateway_timeout_is_not_sent_again(
    person: PersonFactory, app: BotApplication, api: FlakyAPI, db_path: Path
) -> None:
    # A 504: the gateway stopped waiting, and the server behind it may have sent it.
    ana = person()
    await started(ana)
    api.failures.append((504, {"description": "Gateway Timeout"}))

    assert await send_due_reminders(app, DUE) == 0

    assert reminded_at(db_path) != [None], "the mark stays: at most once"
    await later_rounds_send_nothing(app, ana, 0)


def _lost_line(cause: BaseException) -> BaseException:
    """As python-telegram-bot's HTTPXRequest raises it for an httpx error other than a timeout."""
    error = NetworkError(f"httpx.HTTPError: {cause}")
    error.__cause__ = cause
    return error


def _timeout(cause: BaseException) -> BaseException:
    timeout = TimedOut("Timed out")
    timeout.__cause__ = cause
    return timeout


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param((502, {"description": "Bad Gateway"}), id="bad gateway"),
        pytest.param((500, {"description": "Internal Server Error"}), id="server error"),
        pytest.param(
            (429, {"description": "Too Many Requests", "parameters": {"retry_after": 5}}),
            id="flood control",
            # python-telegram-bot's own warning, building its RetryAfter from the answer.
            marks=pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
        ),
        pytest.param(_timeout(httpx.ConnectTimeout("connect")), id="connect timeout"),
        pytest.param(_timeout(httpx.PoolTimeout("pool")), id="pool timeout"),
        pytest.param(httpx.ConnectError("Name or service not known"), id="no network"),
    ],
)
async def test_a_failed_send_gives_it_back_and_the_next_round_sends_it_once(
    person: PersonFactory, app: BotApplication, api: FlakyAPI, db_path: Path, failure: Failure
) -> None:
    ana = person()
    await started(ana)
    api.failures.append(failure)

    assert await send_due_reminders(app, DUE) == 0
    assert reminders_to(ana) == []
    assert reminded_at(db_path) == [None], "given back: due again"

    assert await send_due_reminders(app, DUE + dt.timedelta(minutes=1)) == 1
    assert len(reminders_to(ana)) == 1
    assert api.marked_when_sent == [True, True]
    await later_rounds_send_nothing(app, ana, 1)


@pytest.mark.parametrize(
    ("failure", "blocked"),
    [
        pytest.param((403, {"description": "Forbidden: bot was blocked by the user"}), True),
        pytest.param((400, {"description": "Bad Request: chat not found"}), False),
    ],
    ids=["blocked", "refused"],
)
async def test_a_block_or_a_refusal_keeps_the_mark(
    person: PersonFactory,
    app: BotApplication,
    api: FlakyAPI,
    db_path: Path,
    failure: Failure,
    blocked: bool,
) -> None:
    ana = person()
    await started(ana)
    api.failures.append(failure)

    assert await send_due_reminders(app, DUE) == 0

    assert reminded_at(db_path) != [None]
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        ((blocked_at,),) = conn.execute("SELECT blocked_at FROM respondents").fetchall()
    assert (blocked_at is not None) == blocked
    await later_rounds_send_nothing(app, ana, 0)
    assert len(api.marked_when_sent) == 1, "never tried again"


async def test_two_rounds_at_once_send_one_reminder(
    person: PersonFactory, app: BotApplication, api: FlakyAPI
) -> None:
    ana, bob = person(), person()
    await started(ana)
    await started(bob)

    sent = await asyncio.gather(send_due_reminders(app, DUE), send_due_reminders(app, DUE))

    assert sum(sent) == 2
    assert len(reminders_to(ana)) == 1
    assert len(reminders_to(bob)) == 1


async def test_a_reminder_given_back_is_due_again(
    person: PersonFactory, store: Store, app: BotApplication, clock: Clock
) -> None:
    ana = person()
    await started(ana)
    now = DUE.astimezone(dt.UTC)
    idle_since = now - dt.timedelta(days=1)
    (due,) = await store.due_reminders(idle_since=idle_since, now=now)

    assert await store.mark_reminded(due.response_id, now=now) is True
    assert await store.due_reminders(idle_since=idle_since, now=now) == []
    assert await store.unmark_reminded(due.response_id) is True
    assert await store.due_reminders(idle_since=idle_since, now=now) == [due]
    # Nothing to give back: said so, and nothing changes.
    assert await store.unmark_reminded(due.response_id) is False
    assert await store.unmark_reminded(404) is False
