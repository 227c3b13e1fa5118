"""`surveybot run -v` logs every update, and never a respondent's name or answers.

python-telegram-bot logs whole updates and every Bot API call at debug level;
the handler `configure_logging` sets up hides the personal fields in them.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import RedactPersonal, configure_logging, redact_personal
from tests.support.bot_api_server import BotAPIServer

NAME = "Zéphyrine"
LAST_NAME = "O'Quintal"
ANSWER = "Fromagerie Quintessence"
USER = 5151


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_verbose_bot_logs_update_ids_but_no_name_and_no_answer(tmp_path: Path) -> None:
    db = tmp_path / "survey.sqlite3"
    with BotAPIServer() as server:
        state = server.state
        env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
        env |= {"SURVEYBOT_TOKEN": "77:log-test", "SURVEYBOT_API_URL": server.url}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-v", "--db", str(db)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            state.user_text(USER, "/start pithiviers", first_name=NAME)
            state.wait_for(lambda: any(m.get("reply_markup") for m in state.chat(USER)))
            notice = state.chat(USER)[-1]
            agree = notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            state.user_tap(USER, notice["message_id"], agree, first_name=NAME)
            state.wait_for(lambda: "Question 1/" in state.chat(USER)[-1]["text"])
            last = state.user_text(USER, ANSWER, first_name=NAME)
            state.wait_for(lambda: "Question 2/" in state.chat(USER)[-1]["text"])
        finally:
            process.send_signal(signal.SIGTERM)
            _, log = process.communicate(timeout=20)

    assert process.returncode == 0, log
    # The answer went through, sent back in the transcript line and stored...
    assert any(ANSWER in message["text"] for message in state.chat(USER))
    # ...and the debug log follows each update by its id, without the name or the answer.
    assert "DEBUG telegram.ext.Application: Processing update" in log
    assert f"update_id={last}" in log
    assert NAME not in log
    assert ANSWER not in log
    assert "77:log-test" not in log


@pytest.mark.parametrize(
    "shown",
    [
        # python-telegram-bot's objects, the parameters of a call, the JSON of a result
        f"Update(message=Message(chat=Chat(first_name='{NAME}', id=5), "
        f"from_user=User(first_name='{NAME}', last_name=\"{LAST_NAME}\", id=5), "
        f"text='{ANSWER}'), update_id=9)",
        f"{{'chat_id': 5, 'text': '✅ {ANSWER}', 'parse_mode': 'HTML'}}",
        f'{{"update_id": 9, "message": {{"from": {{"username": "zq", "first_name": "{NAME}"}}, '
        f'"text": "{ANSWER} \\"bio\\""}}}}',
        f"CallbackQuery(data='c|7|company_name|{ANSWER}', from_user=User(first_name='{NAME}'))",
        f"Message(forward_origin=MessageOriginHiddenUser(sender_user_name='{NAME}'), "
        f"author_signature=\"{LAST_NAME}\", poll=Poll(question='{ANSWER}'))",
        f"Message(chat=Chat(title='{NAME}', type='group'), venue=Venue(title='{ANSWER}'))",
        f"Message(sender_tag='{NAME}', audio=Audio(performer='{LAST_NAME}'), "
        f"api_kwargs={{'forward_sender_name': '{ANSWER}'}})",
    ],
    ids=["object", "parameters", "json", "callback", "forwarded", "group", "tag"],
)
def test_names_and_answers_are_hidden_wherever_they_are_written(shown: str) -> None:
    hidden = redact_personal(shown)

    assert NAME not in hidden
    assert ANSWER not in hidden
    assert LAST_NAME not in hidden
    assert "<hidden>" in hidden
    assert "update_id" not in shown or "9" in hidden


def test_what_is_not_personal_stays_readable() -> None:
    shown = "sendMessage {'chat_id': 12, 'parse_mode': 'HTML'}, update_id=12"

    assert redact_personal(shown) == shown


@pytest.mark.parametrize(
    "shown",
    [
        "InlineKeyboardButton(callback_data='c|7|sector|agrifood', text='Oui')",
        "{'chat_id': 987654321, 'reply_markup': {'inline_keyboard': [[{'text': 'Oui', "
        "'callback_data': 'a|0|fr.e7a1d1f73fb7|pithiviers'}]]}}",
        '{"callback_data": "w|3|pithiviers__territoire"}',
    ],
    ids=["object", "parameters", "json"],
)
def test_the_bots_own_buttons_do_not_name_the_workshop_or_the_questions(shown: str) -> None:
    # Beside a chat id, a workshop's code says where the person was; a question's id, shown
    # only after a given answer, says what they answered.
    hidden = redact_personal(shown)

    assert "pithiviers" not in hidden and "sector" not in hidden
    assert "callback_data" in hidden and "<hidden>" in hidden


def test_a_traceback_is_redacted_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonal())
    log = logging.getLogger("test.redact.personal")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    try:
        log.debug("Processing update %s", {"update_id": 3, "text": ANSWER})
        try:
            raise ValueError(f"bad message: User(first_name='{NAME}')")
        except ValueError:
            log.exception("error while handling an update")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "'update_id': 3" in output
    assert NAME not in output and ANSWER not in output
    assert "ValueError" in output


def test_the_bot_s_handler_hides_personal_fields(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("1:x", level=logging.DEBUG)
    logging.getLogger("telegram.ext.Application").debug(
        "Processing update %s", {"update_id": 4, "message": {"text": ANSWER}}
    )

    err = capsys.readouterr().err
    assert "'update_id': 4" in err
    assert ANSWER not in err


def test_postgresql_down_is_one_line_a_retry_not_a_traceback_each_time(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # asyncpg's own record, as its pool logs it at each try to reconnect.
    pool = logging.getLogger("asyncpg.pool")
    configure_logging("", level=logging.INFO)
    try:
        for _ in range(2):
            try:
                raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
            except ConnectionRefusedError:
                pool.warning("Failed to restore the pool connection floor; retrying", exc_info=True)
    finally:
        pool.filters.clear()

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "Traceback" not in "\n".join(lines)
    assert lines[0].endswith(
        "WARNING asyncpg.pool: Failed to restore the pool connection floor; retrying "
        "(ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432))"
    )


def test_each_line_says_its_time_with_its_offset_from_utc(
    restored_logging: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read on a UTC server or in Paris, the time is the same instant; October's doubled
    hour (02:30 twice on 27 October 2019) is told apart."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        configure_logging("", level=logging.INFO)
        for instant in ("2019-10-27T00:30:00+00:00", "2019-10-27T01:30:00+00:00"):
            created = dt.datetime.fromisoformat(instant).timestamp()
            monkeypatch.setattr(time, "time", lambda created=created: created)
            monkeypatch.setattr(time, "time_ns", lambda created=created: int(created * 1e9))
            logging.getLogger("surveybot").info("a reminder round")
    finally:
        monkeypatch.undo()
        time.tzset()
    stamps = [line.split(" ")[0] for line in capsys.readouterr().err.splitlines()]
    assert stamps == ["2019-10-27T02:30:00.000+02:00", "2019-10-27T02:30:00.000+01:00"]
