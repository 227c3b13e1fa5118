"""Ids and codes: the short ASCII tokens a flow names its questions and choices with.

They travel in Telegram button data (64 bytes at most, budgeted by
`bot.telegram.callback_data`), so they are short and ASCII. `check_token` says why
one is refused; the stages file checks its flow ids with it too.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CODE_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
MAX_ID_BYTES = 24
MAX_CODE_BYTES = 16


def check_token(value: str, *, what: str, pattern: str, limit: int, shape: str) -> str:
    """`value` if it fits `pattern` and `limit` bytes; else an error naming `what` it is."""
    size = len(value.encode("utf-8"))
    if size > limit:
        raise PydanticCustomError(
            "too_long_for_button",
            f"{what} '{{value}}' is {{size}} bytes, more than the {{limit}} that fit in "
            "Telegram button data; shorten it",
            {"value": value, "size": size, "limit": limit},
        )
    if not re.fullmatch(pattern, value):
        raise PydanticCustomError(
            "bad_token",
            f"{what} '{{value}}' must be {shape}",
            {"value": value},
        )
    return value


def check_id(value: str) -> str:
    return check_token(
        value,
        what="id",
        pattern=ID_PATTERN,
        limit=MAX_ID_BYTES,
        shape="lowercase ASCII letters, digits and '_', starting with a letter",
    )


def check_code(value: str) -> str:
    return check_token(
        value,
        what="code",
        pattern=CODE_PATTERN,
        limit=MAX_CODE_BYTES,
        shape="lowercase ASCII letters, digits and '_'",
    )


Id = Annotated[
    str,
    AfterValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_BYTES}),
]
Code = Annotated[
    str,
    AfterValidator(check_code),
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN, "maxLength": MAX_CODE_BYTES}),
]
