"""What the conversation service remembers of each person for a while, in memory only.

A few things are worth knowing about a person for minutes or hours without
storing them: the reply they were last shown (`repeats.py`), whether a reply
lost in a crash was shown again, the link someone came by before agreeing to
the notice (nothing is stored before that). `Recent` keeps such a value per
person for `window`, for at most `kept` people, the oldest forgotten first. A
restart, or another instance, forgets it: every use must read None as "not
known", never as "did not happen".
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A value per key, forgotten `window` after it was put, or sooner past `kept` keys."""

    def __init__(self, window: timedelta, kept: int) -> None:
        self.window, self.kept = window, kept
        # In the order put: the oldest first, so forgetting stops at the first one kept.
        self._values: OrderedDict[K, tuple[datetime, V]] = OrderedDict()

    def put(self, key: K, value: V, now: datetime) -> None:
        self._forget_before(now - self.window)
        self._values.pop(key, None)
        self._values[key] = (now, value)
        while len(self._values) > self.kept:
            self._values.popitem(last=False)

    def get(self, key: K, now: datetime) -> V | None:
        """The value put for `key` within the window, or None."""
        self._forget_before(now - self.window)
        found = self._values.get(key)
        return found[1] if found is not None else None

    def pop(self, key: K, now: datetime) -> V | None:
        """`get`, and forget it."""
        self._forget_before(now - self.window)
        found = self._values.pop(key, None)
        return found[1] if found is not None else None

    def __len__(self) -> int:
        return len(self._values)

    def _forget_before(self, moment: datetime) -> None:
        while self._values:
            at, _ = next(iter(self._values.values()))
            if at >= moment:
                return
            self._values.popitem(last=False)
