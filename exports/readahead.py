"""Reading the next batch while the current one is written: one reader thread.

An export alternates between the database (SQLite or PostgreSQL building a
batch of responses) and Python (pivoting and writing it). The database's part
runs without holding the interpreter lock, so a thread that fetches batch n+1
while the caller writes batch n overlaps the two, on a second core.

At most two batches wait besides the one being written, so memory stays flat.
The thread is the only user of the snapshot while it runs, and it has stopped
before the generator returns (at the end, on an error, or when the caller
stops early), so the snapshot can be closed right after.

`cyclic_gc_paused` is the other help an export gets: no cyclic garbage
collection while batches of short-lived containers go by.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Final, TypeVar, cast

T = TypeVar("T")

_END: Final = object()
"""What the reader puts last, after the items or the error that stopped it."""


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, each fetched in a thread while the previous one is used."""
    waiting: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                waiting.put((item, None))
            waiting.put((_END, None))
        except BaseException as exc:  # handed over to the caller, raised there
            waiting.put((_END, exc))
        finally:
            # The generator belongs to this thread: it closes here (its cursor, its query).
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="surveybot-export-reader", daemon=True)
    reader.start()
    try:
        while True:
            item, error = waiting.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield cast(T, item)
    finally:
        stop.set()
        # Unblock a reader waiting to hand over an item, then wait for it to end.
        while reader.is_alive():
            with suppress(queue.Empty):
                waiting.get(timeout=0.05)
        reader.join()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, as it was before after it.

    Each batch creates hundreds of thousands of containers (a dict per
    response, a list per multiple choice) that reference counting frees; the
    collector would scan them, and everything alive, again and again for no
    cycle: a fifth of an export's time. The pause is process-wide (an export
    run in a thread pauses it for the whole process) and ends with the export;
    the collector is enabled again only if it was enabled before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
