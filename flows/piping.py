"""Piped names: `{question}` or `{question|fallback}` in a flow's texts.

One pattern for every reader: the loader's checks (which names a text pipes),
the prompts (the names replaced by answers as read) and the organiser's
statistics (the text with its fallbacks, when there are no answers to show).
"""

from __future__ import annotations

import re
from collections.abc import Callable

PIPE = re.compile(r"\{(?P<name>[a-z][a-z0-9_]*)(?:\|(?P<fallback>[^{}]*))?\}")
"""`{name}` or `{name|fallback}`; the name is a question id."""
ELLIPSIS = "…"


def piped_names(text: str) -> set[str]:
    """The question ids `text` pipes."""
    return {match.group("name") for match in PIPE.finditer(text)}


def fill(text: str, value_of: Callable[[str], str | None]) -> str:
    """`text` with each piped name replaced by `value_of(name)`.

    Where that is None (no answer), the fallback is used, or nothing when there is none.
    """
    if "{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        value = value_of(match.group("name"))
        return value if value is not None else match.group("fallback") or ""

    return PIPE.sub(replace, text)


def unpiped(text: str) -> str:
    """`text` as it reads without answers: each piped name as its fallback, or "…"."""
    return PIPE.sub(lambda match: match.group("fallback") or ELLIPSIS, text)
