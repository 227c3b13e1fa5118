"""A send Telegram surely did not carry out is tried again; one that may have gone is not.

A 502 from Telegram's gateway on the next question used to leave the person with their
answer taken and no question to answer until they wrote again. `Chat._call`
(bot/telegram/sending.py) now tries such a call again after short pauses (made tiny
here). The fake Bot API fails the way python-telegram-bot's `HTTPXRequest` and
`BaseRequest._request_wrapper` do: an error answer (a plain `NetworkError` for a 5xx,
from the parsing error if the body is a proxy's HTML page), a `NetworkError` from an
httpx connection error, a `TimedOut` from an httpx timeout.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.telegram import sending
from tests.conftest import LoggedErrors
from tests.support.fake_bot_api import Call, FakeBotAPI, Person

AGREE = "✅ J’accepte"
Q3 = "Combien de salariés"
PersonFactory = Callable[..., Person]
Query = Callable[..., list[sqlite3.Row]]

DEFAULT_PAUSES = getattr(sending, "RETRY_PAUSES", None)
TINY_PAUSES = (0.001, 0.002, 0.004)
PTB_JSON = "telegram.request.BaseRequest"
"""The logger of python-telegram-bot's error on an answer that is not JSON (a proxy's page)."""


@dataclass(frozen=True)
class Raise:
    """The request fails with this error; `after`: once Telegram has carried it out."""

    error: BaseException
    after: bool = False


Fault = Raise | tuple[int, bytes]


@dataclass
class ScriptedAPI(FakeBotAPI):
    """The fake Bot API; the next calls of a method fail as `script[method]` says, in turn."""

    script: dict[str, list[Fault]] = field(default_factory=dict)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        faults = self.script.get(name)
        if not faults:
            return await super().do_request(url, method, request_data)
        fault = faults.pop(0)
        if isinstance(fault, tuple):
            self.calls.append(Call(name, dict(request_data.parameters) if request_data else {}))
            return fault
        if fault.after:
            await super().do_request(url, method, request_data)
        else:
            self.calls.append(Call(name, dict(request_data.parameters) if request_data else {}))
        raise fault.error


def answer(code: int, description: str) -> tuple[int, bytes]:
    """Telegram's JSON answer to a call it did not carry out."""
    body = {"ok": False, "error_code": code, "description": description}
    return code, json.dumps(body).encode()


def httpx_error(error: httpx.HTTPError) -> NetworkError:
    """What `HTTPXRequest.do_request` raises for an httpx error (see its source)."""
    if isinstance(error, httpx.TimeoutException):
        timed_out = TimedOut()
        timed_out.__cause__ = error
        return timed_out
    raised = NetworkError(f"httpx.{error.__class__.__name__}: {error}")
    raised.__cause__ = error
    return raised


NOT_CARRIED_OUT = [
    pytest.param(answer(502, "Bad Gateway"), id="502"),
    pytest.param(answer(500, "Internal Server Error"), id="500"),
    pytest.param((502, b"<html><body>502 Bad Gateway</body></html>"), id="proxy page"),
    pytest.param(Raise(httpx_error(httpx.ConnectError("connection refused"))), id="no connection"),
    pytest.param(Raise(httpx_error(httpx.ConnectTimeout("connect"))), id="connect timeout"),
]


@pytest.fixture
def api() -> ScriptedAPI:
    return ScriptedAPI()


@pytest.fixture(autouse=True)
def tiny_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    # raising=False: the module loads on a sending.py without retries (each test then says
    # what it misses) instead of failing as a whole.
    monkeypatch.setattr(sending, "RETRY_PAUSES", TINY_PAUSES, raising=False)


async def at_sector(ana: Person) -> None:
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    assert ana.last_text.startswith("Question 2/")


def sends_of_question_3(api: FakeBotAPI, ana: Person) -> list[Call]:
    """Every `sendMessage` of question 3 to `ana`, carried out or not."""
    return [c for c in api.calls_to("sendMessage", ana.user_id) if Q3 in str(c.params["text"])]


def sector_answers(query: Query) -> int:
    return int(query("SELECT COUNT(*) FROM answers WHERE question_id = 'sector'")[0][0])


def test_the_pauses_are_short_and_growing() -> None:
    assert DEFAULT_PAUSES, "no retry pauses in bot/telegram/sending.py"
    assert sum(DEFAULT_PAUSES) < 5, "the person's next updates wait behind the pauses"
    assert list(DEFAULT_PAUSES) == sorted(DEFAULT_PAUSES)


@pytest.mark.parametrize("fault", NOT_CARRIED_OUT)
async def test_a_question_telegram_did_not_take_once_is_sent_again(
    person: PersonFactory,
    api: ScriptedAPI,
    query: Query,
    fault: Fault,
    caplog: pytest.LogCaptureFixture,
    logged_errors: LoggedErrors,
) -> None:
    # python-telegram-bot's own, on a body that is not JSON (the proxy's page).
    logged_errors.expect("^Can not load invalid JSON data")
    ana = person()
    await at_sector(ana)
    api.script["sendMessage"] = [fault]

    with caplog.at_level(logging.INFO):
        await ana.tap("Agroalimentaire")

    assert ana.last_text.startswith("Question 3/"), ana.last_text
    assert "1 à 9" in ana.last.labels()
    assert ana.live_keyboards() == [ana.last]
    assert ana.chat[-2].text.endswith("✅ Agroalimentaire")
    assert [m for m in ana.chat if Q3 in m.text] == [ana.last], "sent once"
    assert len(sends_of_question_3(api, ana)) == 2, "the failed try, then the one that went"
    assert sector_answers(query) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name != PTB_JSON]
    assert any("trying again" in r.getMessage() for r in caplog.records)


async def test_an_edit_telegram_did_not_take_once_is_made_again(
    person: PersonFactory, api: ScriptedAPI, query: Query
) -> None:
    ana = person()
    await at_sector(ana)
    sector = ana.last
    api.script["editMessageText"] = [answer(502, "Bad Gateway")]

    await ana.tap("Agroalimentaire")

    assert sector.text.endswith("✅ Agroalimentaire")
    assert sector.keyboard is None
    assert ana.last_text.startswith("Question 3/")
    assert ana.live_keyboards() == [ana.last]
    assert sector_answers(query) == 1


async def test_when_telegram_keeps_failing_the_answer_stays_and_the_next_message_brings_the_question(
    person: PersonFactory,
    api: ScriptedAPI,
    query: Query,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = person()
    await at_sector(ana)
    api.fail("sendMessage", 502, "Bad Gateway")

    with caplog.at_level(logging.WARNING):
        await ana.tap("Agroalimentaire")
    api.failing.clear()

    assert len(sends_of_question_3(api, ana)) == len(TINY_PAUSES) + 1, "tried, then again"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "Telegram could not be reached for an update: Bad Gateway"
    ]
    assert warnings[0].exc_info is None, "no traceback"
    assert sector_answers(query) == 1
    assert ana.last_text.startswith("Question 2/")

    await ana.send("allo ?")

    assert ana.last_text.startswith("Question 3/")
    assert "1 à 9" in ana.last.labels()
    assert sector_answers(query) == 1


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(httpx.ReadTimeout("read"), id="read timeout"),
        pytest.param(httpx.ReadError("connection reset"), id="connection lost reading"),
        pytest.param(
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            id="disconnected",
        ),
    ],
)
async def test_a_send_that_may_have_gone_is_not_sent_again(
    person: PersonFactory,
    api: ScriptedAPI,
    query: Query,
    error: httpx.HTTPError,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = person()
    await at_sector(ana)
    # Telegram sent the question; its answer never came back.
    api.script["sendMessage"] = [Raise(httpx_error(error), after=True)]

    with caplog.at_level(logging.WARNING):
        await ana.tap("Agroalimentaire")

    assert len(sends_of_question_3(api, ana)) == 1, "one call only"
    assert [m for m in ana.chat if Q3 in m.text] == [ana.last], "the question once"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"Telegram could not be reached for an update: {httpx_error(error)}"
    ]
    assert sector_answers(query) == 1


@pytest.mark.parametrize(
    "fault",
    [
        # The gateway stopped waiting: the server behind it may have sent the question.
        pytest.param(answer(504, "Gateway Timeout"), id="504"),
        # Codes python-telegram-bot has no class for, that the same call would meet again.
        pytest.param(answer(413, "Request Entity Too Large"), id="413"),
    ],
)
async def test_an_answer_that_is_not_a_server_failing_is_not_tried_again(
    person: PersonFactory, api: ScriptedAPI, query: Query, fault: Fault
) -> None:
    ana = person()
    await at_sector(ana)
    api.script["sendMessage"] = [fault]

    await ana.tap("Agroalimentaire")

    assert len(sends_of_question_3(api, ana)) == 1, "one call only"
    assert sector_answers(query) == 1


async def test_a_block_is_not_tried_again(
    person: PersonFactory, api: ScriptedAPI, query: Query
) -> None:
    ana = person()
    await at_sector(ana)
    api.script["sendMessage"] = [answer(403, "Forbidden: bot was blocked by the user")]

    await ana.tap("Agroalimentaire")

    assert len(sends_of_question_3(api, ana)) == 1
    assert query("SELECT blocked_at FROM respondents")[0][0] is not None
    assert sector_answers(query) == 1


async def test_a_refusal_is_not_tried_again(
    person: PersonFactory, api: ScriptedAPI, query: Query, logged_errors: LoggedErrors
) -> None:
    logged_errors.expect("^Telegram refused a request while handling an update")
    ana = person()
    await at_sector(ana)
    api.script["sendMessage"] = [answer(400, "Bad Request: chat not found")]

    await ana.tap("Agroalimentaire")

    assert len(sends_of_question_3(api, ana)) == 1
    assert [r.getMessage() for r in logged_errors.records] == [
        "Telegram refused a request while handling an update: sendMessage with 6 buttons: "
        "Chat not found"
    ]
    assert sector_answers(query) == 1
