"""Sending within Telegram's limit, the chats served in turn rather than first come, first served.

Telegram lets a bot send about 30 messages a second in all; past that it
answers "retry after". python-telegram-bot's `AIORateLimiter` keeps a bot
within it, but its waiting line is one queue: a chat with a hundred messages
waiting (one person's burst, an organiser's long list) delays everybody's next
message by as many slots.

`FairRateLimiter` keeps the overall limit itself, with a line per chat: each
slot of the 30 a second goes to the next chat in turn that has a request
waiting (round robin), and within one chat the requests keep their order. A
respondent's reply then waits for at most one slot per other chat sending at
that moment, however much one of them has queued. What is not about the
overall rate is left to `AIORateLimiter` underneath: the limit per group, and
retrying after Telegram's "retry after" (which then holds every request, as
Telegram asks). Requests that name no chat (answering a button press, `getMe`,
`setMyCommands`) are not counted, as in `AIORateLimiter`; `getUpdates` never
comes here.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

JSONish = bool | dict[str, Any] | list[dict[str, Any]]


class FairQueue:
    """Slots at `rate` a `period`, given to the waiting lines in turn; the oldest of a line first."""

    def __init__(
        self, rate: float, period: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.period = rate, period
        self._clock = clock
        # A full second's worth may go at once, as Telegram counts (and aiolimiter allows).
        self._tokens = rate
        self._last = clock()
        self._lines: OrderedDict[object, deque[asyncio.Future[None]]] = OrderedDict()
        self._wake = asyncio.Event()
        self._server: asyncio.Task[None] | None = None

    async def slot(self, line: object) -> None:
        """Wait until this line's turn comes and a slot is free; the slot is then used."""
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lines.setdefault(line, deque()).append(ticket)
        self._wake.set()
        if self._server is None or self._server.done():
            self._server = asyncio.get_running_loop().create_task(self._serve())
        try:
            await ticket
        except asyncio.CancelledError:
            self._withdraw(line, ticket)
            raise

    async def close(self) -> None:
        if self._server is not None:
            self._server.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._server
            self._server = None

    async def _serve(self) -> None:
        """Hand out slots while anyone waits, one line after the other."""
        while True:
            if not self._lines:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._take_token()
            line, tickets = next(iter(self._lines.items()))
            ticket = tickets.popleft()
            if tickets:
                self._lines.move_to_end(line)  # the others come first; then this line again
            else:
                del self._lines[line]
            if not ticket.done():
                ticket.set_result(None)
            else:
                self._tokens += 1  # cancelled meanwhile: the slot was not used

    async def _take_token(self) -> None:
        while True:
            now = self._clock()
            self._tokens = min(
                self.rate, self._tokens + (now - self._last) * self.rate / self.period
            )
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep((1 - self._tokens) * self.period / self.rate)

    def _withdraw(self, line: object, ticket: asyncio.Future[None]) -> None:
        tickets = self._lines.get(line)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            if not tickets:
                del self._lines[line]


class FairRateLimiter(AIORateLimiter):
    """`AIORateLimiter` with its overall limit served per chat in turn (see the module)."""

    def __init__(
        self,
        *,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        max_retries: int = 0,
    ) -> None:
        # The overall limit is ours (fair); AIORateLimiter keeps the groups' and the retries.
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self.queue = FairQueue(overall_max_rate, overall_time_period)

    async def shutdown(self) -> None:
        await self.queue.close()
        await super().shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        chat = data.get("chat_id")
        if chat is None:
            # Not a message (a button's answer, getMe): outside the limit, as in AIORateLimiter.
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        line = str(chat)  # 42 and "42" are one chat

        async def in_turn(*given: Any, **named: Any) -> JSONish:
            # Each attempt (a retry after "retry after" too) waits for its chat's turn.
            await self.queue.slot(line)
            return await callback(*given, **named)

        return await super().process_request(in_turn, args, kwargs, endpoint, data, rate_limit_args)
