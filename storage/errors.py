"""The storage package's one exception type.

Library code raises it; the edges (CLI, Telegram error handler, terminal chat)
turn it into text. Messages say what failed, where (the database path), and
how to fix it.
"""


class StorageError(Exception):
    """A database operation failed, or the database cannot be used as asked."""
