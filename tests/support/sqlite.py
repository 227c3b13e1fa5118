"""A test's own connection to a SQLite file: committed like `with sqlite3.connect()`, and closed.

`with sqlite3.connect(path) as conn:` commits (or rolls back) at the end of the block but
never closes the connection. Python 3.13 warns (ResourceWarning: unclosed database) when
such a connection is garbage-collected, and pytest's filterwarnings = ["error"] turns the
warning into the failure of whichever test happens to be running when the collector runs.
`with open_sqlite(path) as conn:` does what the plain block did, then closes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def open_sqlite(database: str | os.PathLike[str], **options: Any) -> Iterator[sqlite3.Connection]:
    """`sqlite3.connect(database, **options)`: committed if the block ends well, rolled back
    if it raises, closed either way."""
    conn = sqlite3.connect(database, **options)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
