"""Logging for the long-running bot: readable lines, never the token, never a name or answer.

At debug level python-telegram-bot logs whole updates ("Processing update
Update(message=Message(... first_name='Ana' ... text='...'))") and every Bot
API call with its parameters and result, which carry the answers (a transcript
line "✅ <answer>", the summary). The README promises no name is stored; a log
file is stored. So the handler redacts personal fields wherever a record shows
them as a Python object, a dict or JSON (`first_name='…'`, `'text': '…'`,
`"text": "…"`): the update id, the user id, the method called stay, for
following an update through the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections.abc import Callable
from typing import Any, Final

PERSONAL_TEXT: Final = (
    "first_name",
    "last_name",
    "full_name",
    "username",
    "text",
    "caption",
    "data",
    "query",
    "phone_number",
    "vcard",
    "email",
    "address",
    "file_name",
    "bio",
    # A forwarded message's hidden sender, a group's or venue's name, a poll, a signature,
    # an admin's custom title, an audio's performer, descriptions (a giveaway's prize).
    "sender_user_name",
    "forward_sender_name",
    "forward_signature",
    "sender_tag",
    "custom_title",
    "performer",
    "title",
    "question",
    "explanation",
    "description",
    "prize_description",
    "author_signature",
    "secret_token",  # not personal, but the webhook's secret, in setWebhook's parameters
    # The bot's own buttons: beside the chat id they name the person's workshop and audience,
    # and the questions shown, which a condition ties to earlier answers.
    "callback_data",
)
"""Keys whose string values say who someone is or what they answered (or a secret)."""
PERSONAL_NUMBERS: Final = ("latitude", "longitude")
HIDDEN: Final = "'<hidden>'"

# A key (not the end of a longer name: `data` is not `callback_data`'s end), a quote
# perhaps (dict or JSON), `=` or `:`, then a quoted string as repr() or JSON writes
# it, escapes included: the whole literal, however it is quoted, is replaced.
_STRING: Final = r"'(?:[^'\\\n]|\\.)*'" + "|" + r'"(?:[^"\\\n]|\\.)*"'
_TEXT_KEYS: Final = "|".join(PERSONAL_TEXT)
_NUMBER_KEYS: Final = "|".join(PERSONAL_NUMBERS)
_PERSONAL: Final = re.compile(
    rf"""(?<!\w)(?P<lead>(?:{_TEXT_KEYS})['"]?\s*[:=]\s*)(?:{_STRING})"""
    rf"""|(?<!\w)(?P<place>(?:{_NUMBER_KEYS})['"]?\s*[:=]\s*)-?[\d.]+"""
)


def redact_personal(text: str) -> str:
    """`text` with the values of personal fields replaced by '<hidden>'."""
    return _PERSONAL.sub(lambda m: (m["lead"] or m["place"]) + HIDDEN, text)


class Redact(logging.Filter):
    """Rewrites a record's message and traceback with `redact`, before any handler formats it."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info; format now, redacted.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


class RedactToken(Redact):
    """Replaces the bot token wherever it appears (URLs in network errors carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__(lambda text: text.replace(token, "<token>") if token else text)


class RedactPersonal(Redact):
    """Hides names and answers (see `PERSONAL_TEXT`) in every record: updates, API calls."""

    def __init__(self) -> None:
        super().__init__(redact_personal)


class OneLine(logging.Filter):
    """A record's traceback cut to the error it ends with, on the message's own line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class Stamped(logging.Formatter):
    """Each line's time with its offset from UTC ("2026-10-25T02:30:00.120+01:00"): the
    machine's zone may be UTC or Paris, and October's doubled hour is told apart."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")


def configure_logging(token: str, *, level: int = logging.INFO) -> None:
    """One handler on standard error for the whole process, hiding the token and personal data."""
    handler = logging.StreamHandler()
    handler.setFormatter(Stamped("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    handler.addFilter(RedactPersonal())
    handler.set_name("surveybot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "surveybot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL, token included, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The job queue logs each run of a job ("Running job reminders…"): noise every minute.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # While PostgreSQL is down, asyncpg retries its pool's connection and logs a whole
    # traceback at each try: the error on one line says the same.
    pool = logging.getLogger("asyncpg.pool")
    if not any(isinstance(kept, OneLine) for kept in pool.filters):
        pool.addFilter(OneLine())


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the standard error of the moment (a test's runner swaps it), not the first."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def erasures_to_stderr() -> None:
    """For the terminal chat, which logs nothing else: the one line each erasure a person
    makes leaves (`conversation.showing.erasure_line`), on standard error as it is, for
    the operator who restores an older backup and must erase them again."""
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(lambda record: record.getMessage().startswith("erasure:"))
    handler.set_name("surveybot-erasures")
    logger = logging.getLogger("conversation.showing")
    if not any(kept.get_name() == handler.get_name() for kept in logger.handlers):
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
