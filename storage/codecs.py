"""How times and answer values are written in the database, and read back.

Times are ISO 8601 text in UTC with microseconds (`2019-06-03T09:00:00.000000+00:00`),
which also sorts chronologically; naive times are refused. Answer values are
JSON text of a str, int, float or list[str].
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TypeGuard

from storage.errors import StorageError
from storage.models import AnswerValue

# One encoder for every value: `json.dumps` with options builds a new one at each call,
# which cost more than the encoding of a short text (every answer, at every save).
_VALUE_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def encode_time(moment: dt.datetime) -> str:
    """A timezone-aware time as stored: ISO 8601 in UTC, with microseconds."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StorageError(
            f"cannot store the naive time {moment.isoformat()}: pass a timezone-aware "
            "datetime such as datetime.now(UTC)"
        )
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def decode_time(text: str) -> dt.datetime:
    """A stored time as a timezone-aware datetime (UTC if the text has no offset)."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def decode_optional_time(text: str | None) -> dt.datetime | None:
    """`decode_time`, with None for None."""
    return decode_time(text) if text is not None else None


def iso_time(text: str | None) -> str | None:
    """A stored time as ISO 8601 in UTC for people (microseconds only if there are some)."""
    if text is None:
        return None
    return decode_time(text).astimezone(dt.UTC).isoformat()


def encode_cutoff(moment: dt.datetime, now: dt.datetime, what: str) -> str:
    """Encode a time that must not be after `now`; `what` completes "cannot …" if it is."""
    encode_time(now)  # refuses a naive `now` with the usual message
    encoded = encode_time(moment)
    if moment > now:
        raise StorageError(
            f"cannot {what} {moment.isoformat()}: it is after now ({now.isoformat()}); "
            "pass a time in the past"
        )
    return encoded


def is_answer_value(value: object) -> TypeGuard[AnswerValue]:
    """Whether `value` is something an answer may hold."""
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str | int | float)


def encode_value(question_id: str, value: object) -> str:
    """An answer value as stored JSON text; refuses what would not come back the same."""
    if not is_answer_value(value):
        raise StorageError(
            f"cannot store the answer to {question_id!r}: {type(value).__name__} "
            "is not one of str, int, float, list[str]"
        )
    try:
        text = _VALUE_ENCODER.encode(value)
        # SQLite wants UTF-8; a lone surrogate would fail later, mid-transaction.
        text.encode("utf-8")
    except ValueError as exc:
        raise StorageError(f"cannot store the answer to {question_id!r}: {exc}") from exc
    return text


def decode_value(question_id: str, text: str) -> AnswerValue:
    """A stored answer value, checked to be one an answer may hold."""
    value: object = json.loads(text)
    if not is_answer_value(value):
        raise StorageError(
            f"the stored answer to {question_id!r} is not a str, int, float or list[str]: {text}"
        )
    return value


def check_text(question_id: str, text: str | None) -> str | None:
    """An answer's other-text, refused if SQLite could not store it as UTF-8."""
    if text is not None:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StorageError(f"cannot store the other-text of {question_id!r}: {exc}") from exc
    return text
