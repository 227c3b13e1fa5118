"""Work run in another process: an organiser's export or statistics, beside the bot.

The worker is a fresh interpreter ("spawn", not a fork of the bot with its
threads and sockets), niced so that on a small machine respondents' updates get
the CPU first, and it dies with the bot. A bot stopped normally shuts its pool
down; one killed outright (SIGKILL, the kernel out of memory) cannot, and its
worker would go on exporting, orphaned, beside the restarted bot, which starts
the same job again (organiser jobs are finished after a restart).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Final, TypeVar

T = TypeVar("T")

NICENESS: Final = 10
LOOK_EVERY: Final = 0.5
"""Seconds between two looks of the worker at whether its bot is still there."""


async def in_another_process(work: Callable[[], T]) -> T:
    """Run `work` in a separate process: it is CPU-bound Python, and in a thread it would
    hold the interpreter lock and slow every respondent down while it runs."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    try:
        return await loop.run_in_executor(pool, work)
    finally:
        # Waited for on a thread: the worker's exit (freeing a big export's memory) took
        # a quarter of a second, in which the event loop answered no one.
        await asyncio.to_thread(pool.shutdown)


def _start_worker(bot: int) -> None:
    """In the worker, before any work: give way to the bot, and watch that it is there."""
    os.nice(NICENESS)
    threading.Thread(target=_exit_without, args=(bot,), name="watch-bot", daemon=True).start()


def _exit_without(bot: int) -> None:
    # The bot's death makes init (or a subreaper) this process's parent. A watch, rather
    # than Linux's PR_SET_PDEATHSIG, works on any POSIX system and does not depend on
    # which of the bot's threads started the worker.
    while os.getppid() == bot:
        time.sleep(LOOK_EVERY)
    os._exit(1)  # no clean-up: the work is abandoned, and redone after the restart
