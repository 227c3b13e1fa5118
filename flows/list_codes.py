"""What a code of a closed list looks like (a French département: 45, 2A), and how a typed
one is compared with the list's: shared by the flow model, the list files and the engine."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

LIST_CODE_PATTERN = r"^[A-Za-z0-9]{1,8}$"
LIST_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
LIST_CODE_SHAPE = "1 to 8 ASCII letters and digits, like 45 or 2A"


def _check_list_code(value: str) -> str:
    if not re.fullmatch(LIST_CODE_PATTERN, value):
        raise PydanticCustomError(
            "bad_token", f"code '{{value}}' must be {LIST_CODE_SHAPE}", {"value": value}
        )
    return value


def code_key(code: str) -> str:
    """What a typed code is compared by: "1", "01" and "001" are one; "2a" is "2A"."""
    code = code.strip()
    if code.isascii() and code.isdigit():
        # Not int(): Python refuses to turn over 4,300 digits into a number.
        return code.lstrip("0") or "0"
    return code.upper()


ListCode = Annotated[
    str,
    AfterValidator(_check_list_code),
    WithJsonSchema({"type": "string", "pattern": LIST_CODE_PATTERN}),
]
