"""`python -m tests.support.deadly_update run`: `surveybot run` with one deadly message.

Handling a message whose text is `DEADLY` kills the process on the spot, as a
crash in C code or the kernel's out-of-memory killer would: the kind of update
the poller must give up on rather than die of at every start.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable
from typing import Any

from telegram import Update

from bot.telegram.processor import PerRespondentProcessor

DEADLY = "☠ this message stops the bot"

_process_update = PerRespondentProcessor.do_process_update


async def _deadly_process_update(
    self: PerRespondentProcessor, update: object, coroutine: Awaitable[Any]
) -> None:
    if isinstance(update, Update) and update.message and update.message.text == DEADLY:
        os.kill(os.getpid(), signal.SIGKILL)
    await _process_update(self, update, coroutine)


PerRespondentProcessor.do_process_update = _deadly_process_update  # type: ignore[method-assign]

if __name__ == "__main__":
    from bot.cli import main

    main()
