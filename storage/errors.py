"""The storage package's exceptions.

Library code raises them; the edges (CLI, Telegram error handler, terminal
chat) turn them into text. Messages say what failed, where (the database
path), and how to fix it.
"""


class StorageError(Exception):
    """A database operation failed, or the database cannot be used as asked."""


class NotFound(StorageError):
    """A row an operation needs is not there.

    Raised by the SQL functions, which do not know the file; `Database` turns it
    into a `StorageError` that names the action and the file.
    """

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(f"{what}{hint}")
        self.what = what
        """What is missing, such as "no such response"."""
        self.hint = hint
        """How to fix it, starting with "; " (or empty)."""
