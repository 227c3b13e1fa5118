"""One person's inputs, one at a time: a double tap must not become two answers.

Two inputs of one person handled together would both read the same session
(no response yet, the delivery id not yet recorded) and both act on it. Telegram
already hands us one update per person at a time; a browser posting twice does
not, so the service queues them itself. Different people never wait for each
other. This holds within one process; the database's constraints hold across
several.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class PersonQueues:
    """A lock per person, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    @contextlib.asynccontextmanager
    async def turn_of(self, person: Hashable) -> AsyncIterator[None]:
        """Wait for the person's earlier inputs to be handled, then hold their turn."""
        lock = self._locks.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[person] -= 1
            if not self._waiting[person]:
                # Nobody else queued for this person: drop the lock, keep memory flat.
                del self._waiting[person]
                del self._locks[person]

    def __len__(self) -> int:
        return len(self._locks)
