"""Responses read in batches for an export, and the form a batch travels in.

A `ResponseBatch` holds consecutive responses as columns (item i of every
field is response i). Each backend reads a batch as an `EncodedBatch` first,
what the database gave (SQLite: one JSON document; PostgreSQL: rows of text),
and `decode()` builds the batch from it: a CSV export on several cores
(`exports.workers`) reads batches in one process and sends them encoded, a
copy of text, to the processes that decode and write them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any, Final, Protocol

import orjson

from storage.errors import StorageError
from storage.models import AnswerValue


@dataclass(frozen=True, slots=True)
class ResponseBatch:
    """Consecutive responses as columns: item i of every field is response i.

    Times are ISO 8601 text in UTC as stored (`2019-06-03T09:00:00.000000+00:00`),
    which sorts chronologically; callers parse them in bulk.
    """

    ids: tuple[int, ...]
    keys: tuple[str, ...]
    stage_codes: tuple[str | None, ...]
    cities: tuple[str | None, ...]
    regions: tuple[str | None, ...]
    """The region stored with each response's stage (None: no stage, or none given)."""
    channels: tuple[str | None, ...]
    """The channel each respondent answered on (`Channel` values)."""
    flow_ids: tuple[str, ...]
    flow_versions: tuple[int, ...]
    languages: tuple[str, ...]
    statuses: tuple[str, ...]
    started_at: tuple[str, ...]
    completed_at: tuple[str | None, ...]
    answers: tuple[dict[str, AnswerValue], ...]
    """The answers that count, by question id (hidden questions have none)."""
    other_texts: tuple[dict[str, str], ...]
    skipped: tuple[tuple[str, ...], ...]
    """Questions the respondent chose to skip, from the engine's saved state."""
    answered_at: tuple[dict[str, str], ...] | None = field(default=None)
    """When each answer was given, if asked for."""
    answer_versions: tuple[dict[str, int], ...] | None = field(default=None)
    """If asked for: the flow version of each answer given on another version than its
    response's (kept as it stood when the response was carried over to a newer one); the
    others were given on the response's."""

    def __len__(self) -> int:
        return len(self.ids)


_RESPONSE_FIELDS: Final = tuple(each.name for each in fields(ResponseBatch))[:12]
"""The names of the response's own fields, `ids` to `completed_at`."""


class EncodedBatch(Protocol):
    """A batch as its database gave it: cheap to send to another process, then decoded."""

    def decode(self) -> ResponseBatch:
        """The batch itself."""
        ...


def decoded(batches: Iterator[EncodedBatch]) -> Iterator[ResponseBatch]:
    """Each batch decoded; closing this generator closes `batches` (its query) as well."""
    try:
        for batch in batches:
            yield batch.decode()
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True, slots=True)
class JsonBatch:
    """A batch as SQLite builds it (`storage.snapshot`): one JSON array, a response each."""

    text: str
    with_times: bool
    with_versions: bool

    def decode(self) -> ResponseBatch:
        responses: list[list[Any]] = decode_json(self.text)
        # json_group_array keeps the scan's order (by id); sorting sorted rows is one pass.
        responses.sort(key=itemgetter(0))
        return _batch(responses, with_times=self.with_times, with_versions=self.with_versions)


def response_batch(columns: Sequence[tuple[Any, ...]], **decoded: Any) -> ResponseBatch:
    """A batch from the columns both backends read in `ResponseBatch`'s order: first the
    response's own twelve (`ids` to `completed_at`), as they are; then the fields each
    decodes its own way (`decoded`: answers, other texts, skipped…)."""
    own = dict(zip(_RESPONSE_FIELDS, columns, strict=False))
    return ResponseBatch(**own, **decoded)


def check_size(size: int) -> None:
    """Refuse a batch size below one (both backends say it the same way)."""
    if size < 1:
        raise StorageError(f"a batch must hold at least one response, not {size}")


def _batch(rows: list[list[Any]], *, with_times: bool, with_versions: bool) -> ResponseBatch:
    columns = list(zip(*rows, strict=True))
    gathered = list(zip(*columns[13], strict=True))
    return response_batch(
        columns,
        skipped=tuple(map(_skipped_list, columns[12])),
        answers=gathered[0],
        other_texts=gathered[1],
        answered_at=gathered[2] if with_times else None,
        answer_versions=gathered[3 if with_times else 2] if with_versions else None,
    )


_DIGITS: Final = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
"""A byte table: digits become "0", every other byte a space."""
_LONG_NUMBER: Final = b"0" * 19


def decode_json(text: str) -> Any:
    """JSON text decoded exactly as `json.loads` decodes it, by orjson when it can.

    orjson builds the export's answers faster than the json module. It refuses
    what `json.loads` accepts beyond strict JSON (NaN, lone surrogates), and
    reads an integer past 64 bits as a rounded float (3.8 to 3.13 alike) where
    `json` keeps it whole: text with a run of 19 digits (rare: never a code, a
    time or a key) and text orjson refuses go to `json.loads`, so the result is
    the same. The check costs a tenth of the decoding.
    """
    if text.encode("utf-8", "surrogatepass").translate(_DIGITS).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _skipped_list(value: object) -> tuple[str, ...]:
    """The skipped questions as decoded with the batch: a list, or none."""
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def decode_object(text: str) -> dict[str, Any]:
    # Most responses have no "other" text: skip the decoder for them.
    if text == "{}":
        return {}
    decoded: dict[str, Any] = decode_json(text)
    return decoded
